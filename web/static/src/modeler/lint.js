// bpmnlint in the page, with the project's .bpmnlintrc (bundled as JSON by esbuild): the rules
// it may name are imported here, a resolver hands them to the linter.
import Linter from 'bpmnlint/lib/linter';
import config from '../../../../.bpmnlintrc';
import recommended from 'bpmnlint/config/recommended';
import adHocSubProcess from 'bpmnlint/rules/ad-hoc-sub-process';
import conditionalFlows from 'bpmnlint/rules/conditional-flows';
import endEventRequired from 'bpmnlint/rules/end-event-required';
import eventBasedGateway from 'bpmnlint/rules/event-based-gateway';
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event';
import fakeJoin from 'bpmnlint/rules/fake-join';
import globalRule from 'bpmnlint/rules/global';
import labelRequired from 'bpmnlint/rules/label-required';
import linkEvent from 'bpmnlint/rules/link-event';
import noBpmndi from 'bpmnlint/rules/no-bpmndi';
import noComplexGateway from 'bpmnlint/rules/no-complex-gateway';
import noDisconnected from 'bpmnlint/rules/no-disconnected';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows';
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork';
import noImplicitSplit from 'bpmnlint/rules/no-implicit-split';
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end';
import noImplicitStart from 'bpmnlint/rules/no-implicit-start';
import noInclusiveGateway from 'bpmnlint/rules/no-inclusive-gateway';
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements';
import singleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event';
import singleEventDefinition from 'bpmnlint/rules/single-event-definition';
import startEventRequired from 'bpmnlint/rules/start-event-required';
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event';
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway';
import superfluousLabel from 'bpmnlint/rules/superfluous-label';
import superfluousTermination from 'bpmnlint/rules/superfluous-termination';

var RULES = {
  'ad-hoc-sub-process': adHocSubProcess,
  'conditional-flows': conditionalFlows,
  'end-event-required': endEventRequired,
  'event-based-gateway': eventBasedGateway,
  'event-sub-process-typed-start-event': eventSubProcessTypedStartEvent,
  'fake-join': fakeJoin,
  'global': globalRule,
  'label-required': labelRequired,
  'link-event': linkEvent,
  'no-bpmndi': noBpmndi,
  'no-complex-gateway': noComplexGateway,
  'no-disconnected': noDisconnected,
  'no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'no-gateway-join-fork': noGatewayJoinFork,
  'no-implicit-split': noImplicitSplit,
  'no-implicit-end': noImplicitEnd,
  'no-implicit-start': noImplicitStart,
  'no-inclusive-gateway': noInclusiveGateway,
  'no-overlapping-elements': noOverlappingElements,
  'single-blank-start-event': singleBlankStartEvent,
  'single-event-definition': singleEventDefinition,
  'start-event-required': startEventRequired,
  'sub-process-blank-start-event': subProcessBlankStartEvent,
  'superfluous-gateway': superfluousGateway,
  'superfluous-label': superfluousLabel,
  'superfluous-termination': superfluousTermination
};

// What each rule means, in French (the rules' own messages are in English).
var FRENCH = {
  'ad-hoc-sub-process': "sous-processus ad hoc : le moteur ne l'exécute pas",
  'conditional-flows': 'un flux sortant sans condition ni flux par défaut',
  'end-event-required': 'il manque un événement de fin',
  'event-based-gateway': "passerelle à événements mal formée (elle n'attend que des événements)",
  'event-sub-process-typed-start-event': "le début d'un sous-processus événementiel doit avoir un type",
  'fake-join': 'plusieurs flux entrent sans passerelle de jonction',
  'global': 'un élément global (message, signal, erreur) est défini deux fois ou jamais utilisé',
  'label-required': "l'élément n'a pas de nom",
  'link-event': 'événement de lien sans correspondant',
  'no-bpmndi': "l'élément n'est pas dessiné",
  'no-complex-gateway': 'passerelle complexe : le moteur ne l\'exécute pas',
  'no-disconnected': "l'élément n'est relié à rien",
  'no-duplicate-sequence-flows': 'deux flux relient les mêmes éléments',
  'no-gateway-join-fork': 'une passerelle à la fois joint et sépare',
  'no-implicit-split': 'plusieurs flux sortent sans passerelle',
  'no-implicit-end': 'un élément sans flux sortant ni fin',
  'no-implicit-start': 'un élément sans flux entrant ni début',
  'no-inclusive-gateway': 'passerelle inclusive',
  'no-overlapping-elements': "l'élément en chevauche un autre",
  'single-blank-start-event': 'plusieurs débuts sans type',
  'single-event-definition': "l'événement a plusieurs définitions",
  'start-event-required': 'il manque un événement de début',
  'sub-process-blank-start-event': 'le sous-processus doit commencer par un début sans type',
  'superfluous-gateway': 'passerelle inutile (un flux entre, un flux sort)',
  'superfluous-label': 'libellé superflu',
  'superfluous-termination': 'fin terminale superflue'
};

var CONFIGS = { recommended: recommended };

var linter = new Linter({
  config: config,
  resolver: {
    resolveRule: function (pkg, name) {
      if (pkg !== 'bpmnlint' || !RULES[name]) { throw new Error('unknown rule ' + name); }
      return RULES[name];
    },
    resolveConfig: function (pkg, name) {
      if (pkg !== 'bpmnlint' || !CONFIGS[name]) { throw new Error('unknown config ' + name); }
      return CONFIGS[name];
    }
  }
});

// Problems as {element_id, text, blocking}: errors block the save, warnings are shown.
export async function lint(definitions) {
  var reports = await linter.lint(definitions);
  var problems = [];
  Object.keys(reports).forEach(function (rule) {
    reports[rule].forEach(function (report) {
      problems.push({
        element_id: report.id || '',
        text: (FRENCH[rule] || report.message) + ' (bpmnlint ' + rule + ')',
        blocking: report.category === 'error'
      });
    });
  });
  return problems;
}
