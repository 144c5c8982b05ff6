// French labels: the bpmn-js palette and menus from bpmn-js-i18n, the properties panel's
// labels here (bpmn-js-i18n covers the diagram only). Placeholders {name} are kept.
import diagram from 'bpmn-js-i18n/translations/fr';

var panel = {
  'General': 'Général',
  'Name': 'Nom',
  'ID': 'Identifiant',
  'Documentation': 'Documentation',
  'Element documentation': "Documentation de l'élément",
  'Process documentation': 'Documentation du processus',
  'Executable': 'Exécutable',
  'Version tag': 'Étiquette de version',
  'Process name': 'Nom du processus',
  'Process ID': 'Identifiant du processus',
  'Timer': 'Minuteur',
  'Type': 'Type',
  'Value': 'Valeur',
  'Date': 'Date',
  'Duration': 'Durée',
  'Cycle': 'Cycle',
  '<none>': '<aucun>',
  'Message': 'Message',
  'Signal': 'Signal',
  'Error': 'Erreur',
  'Escalation': 'Escalade',
  'Link': 'Lien',
  'Global message reference': 'Message (global)',
  'Global signal reference': 'Signal (global)',
  'Global error reference': 'Erreur (globale)',
  'Global escalation reference': 'Escalade (globale)',
  'Create new ...': 'Créer…',
  'Multi-instance': 'Instances multiples',
  'Loop cardinality': 'Nombre de répétitions',
  'Completion condition': "Condition d'achèvement",
  'Compensation': 'Compensation',
  'Completion': 'Achèvement',
  'Participant': 'Participant',
  'Data object': 'Objet de données',
  'Must be a non-empty string.': 'Ne doit pas être vide.',
  'ID must be unique.': "L'identifiant doit être unique.",
  'ID must not contain spaces.': "L'identifiant ne contient pas d'espace.",
  'ID must be a valid QName.': "L'identifiant doit être un nom XML valide.",
  'ID must not contain prefix.': "L'identifiant ne contient pas de préfixe.",
  'Select an element to edit its properties.': 'Choisissez un élément pour modifier ses propriétés.',
  'Multiple elements are selected. Select a single one to edit its properties.':
    'Plusieurs éléments sont choisis : choisissez-en un seul pour modifier ses propriétés.',
  'Open minimap': 'Ouvrir la vue d\'ensemble',
  'Close minimap': 'Fermer la vue d\'ensemble'
};

var all = Object.assign({}, diagram, panel);

// The panel's header names the element's type as words ("Timer Boundary Event (Non
// Interrupting)"): the kind, then what defines it.
var TYPES = {
  'Task': 'Tâche', 'User Task': 'Tâche utilisateur', 'Service Task': 'Tâche de service',
  'Send Task': "Tâche d'envoi", 'Receive Task': 'Tâche de réception', 'Script Task': 'Tâche de script',
  'Business Rule Task': 'Tâche de règle métier', 'Manual Task': 'Tâche manuelle',
  'Call Activity': "Activité d'appel", 'Start Event': 'Événement de début', 'End Event': 'Événement de fin',
  'Boundary Event': 'Événement de bordure', 'Intermediate Catch Event': 'Événement intermédiaire (attente)',
  'Intermediate Throw Event': 'Événement intermédiaire (émission)', 'Exclusive Gateway': 'Passerelle exclusive',
  'Parallel Gateway': 'Passerelle parallèle', 'Inclusive Gateway': 'Passerelle inclusive',
  'Event Based Gateway': 'Passerelle à événements', 'Complex Gateway': 'Passerelle complexe',
  'Sequence Flow': 'Flux de séquence', 'Conditional Flow': 'Flux conditionnel', 'Default Flow': 'Flux par défaut',
  'Message Flow': 'Flux de message', 'Expanded Sub Process': 'Sous-processus déplié',
  'Collapsed Sub Process': 'Sous-processus replié', 'Event Sub Process': 'Sous-processus événementiel',
  'Ad Hoc Sub Process': 'Sous-processus ad hoc', 'Transaction': 'Transaction', 'Participant': 'Participant',
  'Lane': 'Couloir', 'Process': 'Processus', 'Collaboration': 'Collaboration',
  'Text Annotation': 'Annotation', 'Group': 'Groupe', 'Data Object Reference': 'Objet de données',
  'Data Store Reference': 'Stock de données'
};
var DEFINED = {
  'Timer': 'minuteur', 'Message': 'message', 'Signal': 'signal', 'Error': 'erreur',
  'Escalation': 'escalade', 'Conditional': 'conditionnel', 'Terminate': 'terminal',
  'Compensate': 'compensation', 'Cancel': 'annulation', 'Link': 'lien'
};
var TYPE = /^(?:(Timer|Message|Signal|Error|Escalation|Conditional|Terminate|Compensate|Cancel|Link) )?(.+?)( \(Non Interrupting\))?$/;

function typeLabel(text) {
  var found = TYPE.exec(text);
  if (!found || !TYPES[found[2]]) { return null; }
  return TYPES[found[2]] + (found[1] ? ' ' + DEFINED[found[1]] : '') +
    (found[3] ? ' (non interruptif)' : '');
}

function translate(template, replacements) {
  var text = all[template] || typeLabel(template) || template;
  return text.replace(/{([^}]+)}/g, function (_, key) {
    return (replacements || {})[key] !== undefined ? replacements[key] : '{' + key + '}';
  });
}

export default { translate: ['value', translate] };
