/**
 * Label selectors: the string syntax (`parseSelector`), the structured LabelSelector
 * (`labelSelectorToSelector`, `selectorToString`), and matching against a label set.
 */
export { SelectorParseError, newRequirement, parseSelector } from './parse.ts';
export type { Labels, Operator, Requirement, Selector } from './requirement.ts';
export { formatLabels, labelsMatch, requirementMatches, requirementToString, selectorString } from './requirement.ts';
export type { LabelSelector, LabelSelectorOperator, LabelSelectorRequirement } from './label-selector.ts';
export { labelSelectorMatches, labelSelectorToSelector, selectorToString } from './label-selector.ts';
