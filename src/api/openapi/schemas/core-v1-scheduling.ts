/** core/v1 scheduling constraints of a pod: affinity, tolerations, topology spread. */
import type { SchemaSet } from '../schema-types.ts';
import { apiPrefix, atomicList, int32, int64, META, obj, ref, str, strings } from './dsl.ts';

const core = apiPrefix('', 'v1');

const podAffinityTerms = {
  requiredDuringSchedulingIgnoredDuringExecution: atomicList(ref(`${core}PodAffinityTerm`), 'Rules that must hold when the pod is scheduled.'),
  preferredDuringSchedulingIgnoredDuringExecution: atomicList(ref(`${core}WeightedPodAffinityTerm`), 'Rules the scheduler prefers, by weight.'),
};

export const coreV1SchedulingSchemas: SchemaSet = {
  [`${core}Affinity`]: obj('Scheduling constraints relative to nodes and other pods.', {
    nodeAffinity: ref(`${core}NodeAffinity`, 'Rules about the node labels.'),
    podAffinity: ref(`${core}PodAffinity`, 'Rules to place the pod near other pods.'),
    podAntiAffinity: ref(`${core}PodAntiAffinity`, 'Rules to keep the pod away from other pods.'),
  }),
  [`${core}NodeAffinity`]: obj('Rules about the node a pod may run on.', {
    requiredDuringSchedulingIgnoredDuringExecution: ref(`${core}NodeSelector`, 'Terms a node must match.'),
    preferredDuringSchedulingIgnoredDuringExecution: atomicList(ref(`${core}PreferredSchedulingTerm`), 'Terms the scheduler prefers, by weight.'),
  }),
  [`${core}NodeSelector`]: obj(
    'A node matches when any term matches.',
    { nodeSelectorTerms: atomicList(ref(`${core}NodeSelectorTerm`), 'The alternatives.') },
    { required: ['nodeSelectorTerms'], mapType: 'atomic' },
  ),
  [`${core}NodeSelectorTerm`]: obj(
    'A term matches when all its requirements hold.',
    {
      matchExpressions: atomicList(ref(`${core}NodeSelectorRequirement`), 'Requirements on node labels.'),
      matchFields: atomicList(ref(`${core}NodeSelectorRequirement`), 'Requirements on node fields.'),
    },
    { mapType: 'atomic' },
  ),
  [`${core}NodeSelectorRequirement`]: obj(
    'A requirement on a node label or field.',
    {
      key: str('The label key or field name.'),
      operator: str('`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt` or `Lt`.'),
      values: strings('Values to compare with.'),
    },
    { required: ['key', 'operator'] },
  ),
  [`${core}PreferredSchedulingTerm`]: obj(
    'A weighted node preference.',
    {
      weight: int32('Weight from 1 to 100.'),
      preference: ref(`${core}NodeSelectorTerm`, 'The preferred node term.'),
    },
    { required: ['weight', 'preference'] },
  ),
  [`${core}PodAffinity`]: obj('Rules to co-locate with matching pods.', podAffinityTerms),
  [`${core}PodAntiAffinity`]: obj('Rules to stay apart from matching pods.', podAffinityTerms),
  [`${core}PodAffinityTerm`]: obj(
    'Pods matching the selector, in the given namespaces, within a topology domain.',
    {
      labelSelector: ref(`${META}LabelSelector`, 'Which pods count.'),
      namespaces: strings('Namespaces to look in; the pod namespace when empty.'),
      topologyKey: str('Node label whose value defines the domain, such as `kubernetes.io/hostname`.'),
      namespaceSelector: ref(`${META}LabelSelector`, 'Namespaces to look in, by label.'),
      matchLabelKeys: strings('Pod label keys whose values are added to the selector.'),
      mismatchLabelKeys: strings('Pod label keys whose values must differ.'),
    },
    { required: ['topologyKey'] },
  ),
  [`${core}WeightedPodAffinityTerm`]: obj(
    'A weighted pod affinity term.',
    {
      weight: int32('Weight from 1 to 100.'),
      podAffinityTerm: ref(`${core}PodAffinityTerm`, 'The term.'),
    },
    { required: ['weight', 'podAffinityTerm'] },
  ),
  [`${core}Toleration`]: obj('Lets a pod run on nodes with a matching taint.', {
    key: str('Taint key to match; empty matches all keys with `Exists`.'),
    operator: str('`Equal` (default) or `Exists`.'),
    value: str('Taint value to match with `Equal`.'),
    effect: str('Taint effect to match; empty matches all.'),
    tolerationSeconds: int64('For `NoExecute`: seconds the pod stays after the taint appears.'),
  }),
  [`${core}TopologySpreadConstraint`]: obj(
    'How matching pods spread over the domains of a topology key.',
    {
      maxSkew: int32('Largest allowed difference of matching pods between domains.'),
      topologyKey: str('Node label defining the domains.'),
      whenUnsatisfiable: str('`DoNotSchedule` or `ScheduleAnyway`.'),
      labelSelector: ref(`${META}LabelSelector`, 'Which pods count.'),
      minDomains: int32('Least number of eligible domains.'),
      nodeAffinityPolicy: str('Whether node affinity limits the domains: `Honor` or `Ignore`.'),
      nodeTaintsPolicy: str('Whether node taints limit the domains: `Honor` or `Ignore`.'),
      matchLabelKeys: strings('Pod label keys whose values are added to the selector.'),
    },
    { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
  ),
};
