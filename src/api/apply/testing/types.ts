/** Type nodes for the apply tests: built-in kinds, and a small kind with every list and map flavour. */
import { kindSchemaOf, extendSchemaRegistry, resolveSchema } from '../../openapi/registry.ts';
import { arr, atomicList, bool, int32, keyedList, kindWithList, loose, map, obj, ref, str, stringSet } from '../../openapi/schemas/dsl.ts';
import { builtinSchemaRegistry } from '../../openapi/schemas/index.ts';
import { TypeNodes, type TypeNode } from '../type-node.ts';

/** `example.com/v1 Widget`: keyed, multi-key, set and atomic lists; atomic and granular maps; open objects. */
const widget = kindWithList({ group: 'example.com', version: 'v1', kind: 'Widget' }, 'A test kind.', {
  spec: obj('Spec.', {
    replicas: int32(),
    paused: bool(),
    items: keyedList(ref('com.example.v1.Item'), 'name'),
    ports: keyedList(ref('com.example.v1.Port'), 'port', undefined, { listMapKeys: ['port', 'protocol'] }),
    tags: stringSet(),
    args: atomicList(str()),
    selector: map(str(), undefined, 'atomic'),
    settings: map(str()),
    extra: loose(),
    plain: arr(str()),
  }),
});

const registry = extendSchemaRegistry(builtinSchemaRegistry, widget, {
  'com.example.v1.Item': obj('An item.', { name: str(), value: str(), nested: obj(undefined, { a: str(), b: str() }) }, { required: ['name'] }),
  'com.example.v1.Port': obj('A port.', { port: int32(), protocol: str(undefined, { default: 'TCP' }), name: str() }, { required: ['port'] }),
});

const nodes = new TypeNodes((s) => resolveSchema(registry, s));

export function typeOf(group: string, version: string, kind: string): TypeNode {
  return nodes.of(kindSchemaOf(registry, { group, version, kind })!.schema);
}

export const WIDGET = typeOf('example.com', 'v1', 'Widget');
export const DEPLOYMENT = typeOf('apps', 'v1', 'Deployment');
export const SERVICE = typeOf('', 'v1', 'Service');
export const CONFIGMAP = typeOf('', 'v1', 'ConfigMap');
