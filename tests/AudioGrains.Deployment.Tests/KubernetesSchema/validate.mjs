// Reads Kubernetes YAML documents (kubectl kustomize's output) on standard input and validates each object against the
// JSON schema of its kind: kubernetes-models for the built-in kinds, @kubernetes-models/prometheus-operator for
// monitoring.coreos.com. Prints one line per object (ok / INVALID / UNKNOWN); exits 1 when any is not valid.
import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';

const docs = yaml.loadAll(readFileSync(0, 'utf8')).filter(d => d);
let failed = 0;
for (const doc of docs) {
  const name = `${doc.kind}/${doc.metadata?.name}`;
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
  const module = group === 'monitoring.coreos.com'
    ? `@kubernetes-models/prometheus-operator/${group}/${version}/${doc.kind}`
    : `kubernetes-models/${group ? `${group}/` : ''}${version}/${doc.kind}`;
  let Model;
  try {
    Model = (await import(module))[doc.kind];
  } catch {
    console.log(`UNKNOWN ${name}: no schema for ${doc.apiVersion} ${doc.kind}`);
    failed++;
    continue;
  }
  try {
    new Model(doc).validate();
    console.log(`ok ${name}`);
  } catch (e) {
    console.log(`INVALID ${name}: ${e.message}`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
