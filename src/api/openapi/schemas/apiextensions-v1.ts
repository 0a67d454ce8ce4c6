/**
 * apiextensions.k8s.io/v1 schemas: CustomResourceDefinition and its parts. The OpenAPI schema
 * a CRD carries (JSONSchemaProps) is described field by field for `kubectl explain`, but its
 * free-form parts (default, example, enum values, and the schema-or-boolean / schema-or-list
 * fields) keep whatever they hold, so the server's unknown-field pruning never alters a schema.
 */
import type { OpenApiSchema, SchemaSet } from '../schema-types.ts';
import { arr, atomicList, bool, conditions, int32, int64, kindWithList, keyedList, loose, map, num, obj, ref, str, strings, time } from './dsl.ts';

const P = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';
const GVK = { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' };

/** A value that may be a schema or something else (a boolean, a list): kept as sent. */
function anyJson(description: string): OpenApiSchema {
  return { 'x-kubernetes-preserve-unknown-fields': true, description };
}

export const apiextensionsV1Schemas: SchemaSet = {
  ...kindWithList(GVK, 'Defines a custom resource: its names, its versions and their schemas; the server then serves it like a built-in kind.', {
    spec: ref(`${P}CustomResourceDefinitionSpec`, 'How the custom resource is named and served.'),
    status: ref(`${P}CustomResourceDefinitionStatus`, 'What the server accepted and serves.'),
  }, ['spec']),
  [`${P}CustomResourceDefinitionSpec`]: obj(
    'How a custom resource is named, scoped, versioned and validated.',
    {
      group: str('The API group the resource is served under (`/apis/<group>/<version>`); must be a domain with a dot. The CRD is named `<plural>.<group>`.'),
      names: ref(`${P}CustomResourceDefinitionNames`, 'The names of the resource and its kind.'),
      scope: str('`Namespaced` or `Cluster`.'),
      versions: atomicList(ref(`${P}CustomResourceDefinitionVersion`), 'The versions served; exactly one is the storage version.'),
      conversion: ref(`${P}CustomResourceConversion`, 'How objects are converted between versions; k8ts supports `None`.'),
      preserveUnknownFields: bool('Must be false: unknown fields are pruned.'),
    },
    { required: ['group', 'names', 'scope', 'versions'] },
  ),
  [`${P}CustomResourceDefinitionNames`]: obj(
    'The names a custom resource is known by.',
    {
      plural: str('The lower-case plural used in URLs, e.g. `crontabs`.'),
      singular: str('The lower-case singular name (default: the lower-cased kind).'),
      kind: str('The CamelCase kind of the objects, e.g. `CronTab`.'),
      listKind: str('The kind of lists of the objects (default: `<kind>List`).'),
      shortNames: strings('Short names kubectl accepts, e.g. `ct`.'),
      categories: strings('Groups of resources this one belongs to; `all` makes `kubectl get all` list it.'),
    },
    { required: ['plural', 'kind'] },
  ),
  [`${P}CustomResourceDefinitionVersion`]: obj(
    'One version of a custom resource.',
    {
      name: str('The version name, e.g. `v1` or `v1beta1`.'),
      served: bool('Whether the version is served.'),
      storage: bool('Whether objects are stored in this version; exactly one version has it.'),
      deprecated: bool('Requests to a deprecated version get a warning.'),
      deprecationWarning: str('The warning requests to this deprecated version get, instead of the default one.'),
      schema: ref(`${P}CustomResourceValidation`, 'The schema objects of this version are pruned, defaulted and validated by.'),
      subresources: ref(`${P}CustomResourceSubresources`, 'The status and scale subresources of this version.'),
      additionalPrinterColumns: atomicList(ref(`${P}CustomResourceColumnDefinition`), 'The columns of `kubectl get` (default: Age).'),
      selectableFields: atomicList(ref(`${P}SelectableField`), 'Fields that field selectors may select on.'),
    },
    { required: ['name', 'served', 'storage'] },
  ),
  [`${P}CustomResourceValidation`]: obj('The schema of a custom resource version.', {
    openAPIV3Schema: ref(`${P}JSONSchemaProps`, 'An OpenAPI v3 schema; it must be structural.'),
  }),
  [`${P}CustomResourceSubresources`]: obj('Subresources of a custom resource.', {
    status: loose('Present (as `{}`) to serve `/status`: the main resource then ignores status changes.'),
    scale: ref(`${P}CustomResourceSubresourceScale`, 'Serves `/scale` from the given paths.'),
  }),
  [`${P}CustomResourceSubresourceScale`]: obj(
    'Where the scale subresource finds the replica counts.',
    {
      specReplicasPath: str('Path of the wanted replica count, under `.spec` (e.g. `.spec.replicas`).'),
      statusReplicasPath: str('Path of the observed replica count, under `.status`.'),
      labelSelectorPath: str('Path of the label selector string, under `.status` or `.spec`.'),
    },
    { required: ['specReplicasPath', 'statusReplicasPath'] },
  ),
  [`${P}CustomResourceColumnDefinition`]: obj(
    'A column of `kubectl get` output.',
    {
      name: str('The column header.'),
      type: str('`integer`, `number`, `string`, `boolean` or `date` (shown as an age).'),
      format: str('An optional OpenAPI format of the values.'),
      description: str('What the column shows.'),
      priority: int32('0 shows the column by default; higher only with `-o wide`.'),
      jsonPath: str('The JSONPath of the value in each object, e.g. `.spec.replicas`.'),
    },
    { required: ['name', 'type', 'jsonPath'] },
  ),
  [`${P}SelectableField`]: obj('A field that field selectors may use.', { jsonPath: str('A simple path such as `.spec.color`.') }, { required: ['jsonPath'] }),
  [`${P}CustomResourceConversion`]: obj(
    'How objects are converted between versions.',
    {
      strategy: str('`None`: objects are served in every version as stored, with only the apiVersion changed. (`Webhook` is not supported by k8ts.)'),
      webhook: loose('Conversion webhook settings (not supported by k8ts).'),
    },
    { required: ['strategy'] },
  ),
  [`${P}CustomResourceDefinitionStatus`]: obj('What the server made of a custom resource definition.', {
    acceptedNames: ref(`${P}CustomResourceDefinitionNames`, 'The names the resource is served under.'),
    conditions: conditions(`${P}CustomResourceDefinitionCondition`, 'NamesAccepted, Established and, while deleting, Terminating.'),
    storedVersions: strings('Every version objects have been stored in; a version can leave spec.versions only once it is no longer listed here.'),
  }),
  [`${P}CustomResourceDefinitionCondition`]: obj(
    'One condition of a custom resource definition.',
    {
      type: str('`NamesAccepted`, `Established` or `Terminating`.'),
      status: str('`True`, `False` or `Unknown`.'),
      lastTransitionTime: time('When the status last changed.'),
      reason: str('A CamelCase reason for the status.'),
      message: str('A human-readable explanation.'),
    },
    { required: ['type', 'status'] },
  ),
  [`${P}JSONSchemaProps`]: obj('An OpenAPI v3 schema, as custom resource definitions write it.', {
    $ref: str('Not supported in custom resource schemas.'),
    $schema: str('The JSON Schema dialect.'),
    id: str('Not supported in custom resource schemas.'),
    title: str('A title.'),
    description: str('What the value is; shown by `kubectl explain`.'),
    type: str('`object`, `array`, `string`, `integer`, `number` or `boolean`.'),
    format: str('A format such as `date-time`, `int32` or `byte`.'),
    nullable: bool('Whether null is a valid value.'),
    default: anyJson('The value an absent field gets.'),
    example: anyJson('An example value.'),
    enum: arr(anyJson('An allowed value.'), { description: 'The allowed values.', listType: 'atomic' }),
    pattern: str('A regular expression strings must match.'),
    minimum: num('The smallest allowed number.'),
    maximum: num('The largest allowed number.'),
    exclusiveMinimum: bool('Whether minimum itself is excluded.'),
    exclusiveMaximum: bool('Whether maximum itself is excluded.'),
    multipleOf: num('Numbers must be a multiple of this.'),
    minLength: int64('The shortest allowed string.'),
    maxLength: int64('The longest allowed string.'),
    minItems: int64('The fewest allowed list items.'),
    maxItems: int64('The most allowed list items.'),
    uniqueItems: bool('Not supported in custom resource schemas.'),
    minProperties: int64('The fewest allowed map entries.'),
    maxProperties: int64('The most allowed map entries.'),
    required: strings('Fields that must be present.'),
    properties: map(ref(`${P}JSONSchemaProps`), 'The schemas of the fields of an object.'),
    additionalProperties: anyJson('The schema of the values of a map (or a boolean).'),
    patternProperties: anyJson('Not supported in custom resource schemas.'),
    items: anyJson('The schema of list items.'),
    additionalItems: anyJson('Not supported in custom resource schemas.'),
    allOf: atomicList(ref(`${P}JSONSchemaProps`), 'Schemas the value must all satisfy.'),
    anyOf: atomicList(ref(`${P}JSONSchemaProps`), 'Schemas the value must satisfy at least one of.'),
    oneOf: atomicList(ref(`${P}JSONSchemaProps`), 'Schemas the value must satisfy exactly one of.'),
    not: ref(`${P}JSONSchemaProps`, 'A schema the value must not satisfy.'),
    definitions: anyJson('Not supported in custom resource schemas.'),
    dependencies: anyJson('Not supported in custom resource schemas.'),
    externalDocs: obj('Where to read more.', { description: str('What the link is.'), url: str('The link.') }),
    'x-kubernetes-preserve-unknown-fields': bool('Keep fields the schema does not specify instead of pruning them.'),
    'x-kubernetes-embedded-resource': bool('The value is a Kubernetes object (apiVersion, kind, metadata).'),
    'x-kubernetes-int-or-string': bool('The value is an integer or a string.'),
    'x-kubernetes-list-type': str('`atomic`, `set` or `map`: how server-side apply merges the list.'),
    'x-kubernetes-list-map-keys': strings('The keys identifying items of a `map` list.'),
    'x-kubernetes-map-type': str('`atomic` or `granular`.'),
    'x-kubernetes-validations': keyedList(ref(`${P}ValidationRule`), 'rule', 'CEL validation rules (accepted, but not evaluated by k8ts).'),
  }),
  [`${P}ValidationRule`]: obj(
    'A CEL validation rule.',
    {
      rule: str('The CEL expression.'),
      message: str('The message when the rule fails.'),
      messageExpression: str('A CEL expression computing the message.'),
      reason: str('The reason of the error.'),
      fieldPath: str('The field the error is reported at.'),
      optionalOldSelf: bool('Whether the rule also runs when there is no old value.'),
    },
    { required: ['rule'] },
  ),
};

