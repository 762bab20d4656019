// Strings owned by other parts of the renderer, each in its own i18next namespace.
// PLUG-IN POINT: the usage reports (renderer/reports/i18n.ts, namespace 'reports') are picked
// up here when that file exists; a build without it simply has no 'reports' namespace.
type NamespaceResources = Record<string, Record<string, unknown>>;

const reportsModules = import.meta.glob<{ reportsResources?: NamespaceResources }>('../reports/i18n.ts', {
  eager: true,
});

export function pluginResources(): Record<string, NamespaceResources> {
  const out: Record<string, NamespaceResources> = {};
  for (const mod of Object.values(reportsModules)) if (mod.reportsResources) out.reports = mod.reportsResources;
  return out;
}
