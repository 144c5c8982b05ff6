// The form-js viewer, bundled by esbuild (web/assets.py) into one script for the dossier pages.
import { Form } from '@bpmn-io/form-js-viewer';

window.ConcertoForms = { Form };
