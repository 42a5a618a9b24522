/** Small readers for the compose spec's long and short syntaxes. */

export type Obj = Record<string, unknown>;

export function obj(value: unknown): Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `${VAR:-default}` / `${VAR-default}` -> default, `$$` -> `$`; other interpolations stay. */
export function resolveDefaults(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}/g, '$1').replace(/\$\$/g, '$');
}

export function isRequiredInterpolationOf(value: string | undefined, name: string): boolean {
  return value !== undefined && new RegExp(`^\\$\\{${name}:\\?[^}]*\\}$`).test(value);
}

export function environment(service: Obj): Record<string, string> {
  const env = service.environment;
  const out: Record<string, string> = {};
  if (Array.isArray(env)) {
    for (const entry of env) {
      const s = str(entry) ?? '';
      const eq = s.indexOf('=');
      if (eq > 0) out[s.slice(0, eq)] = s.slice(eq + 1);
    }
  } else {
    for (const [k, v] of Object.entries(obj(env))) out[k] = str(v) ?? '';
  }
  return out;
}

export function dependsOn(service: Obj): Record<string, string> {
  const deps = service.depends_on;
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [String(d), 'service_started']));
  return Object.fromEntries(
    Object.entries(obj(deps)).map(([name, spec]) => [name, str(obj(spec).condition) ?? 'service_started']),
  );
}

export function tokens(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => str(v) ?? '');
  const s = str(value);
  return s ? s.trim().split(/\s+/) : [];
}

export interface Port {
  hostIp?: string;
  published?: string;
  target: number;
}
export function ports(service: Obj): Port[] {
  const list = Array.isArray(service.ports) ? service.ports : [];
  return list.map((p): Port => {
    if (typeof p === 'object' && p !== null) {
      const o = obj(p);
      return { hostIp: str(o.host_ip), published: str(o.published), target: Number(o.target) };
    }
    const spec = resolveDefaults(str(p) ?? '').replace(/\/(tcp|udp)$/, '');
    const ipv6 = /^\[([^\]]+)\]:(.*)$/.exec(spec);
    const parts = ipv6 ? [ipv6[1] ?? '', ...(ipv6[2] ?? '').split(':')] : spec.split(':');
    if (parts.length === 1) return { target: Number(parts[0]) };
    if (parts.length === 2) return { published: parts[0], target: Number(parts[1]) };
    return { hostIp: parts[0], published: parts[1], target: Number(parts[2]) };
  });
}

export interface Mount {
  type: 'bind' | 'volume';
  source: string;
  target: string;
  readOnly: boolean;
}
export function mounts(service: Obj): Mount[] {
  const list = Array.isArray(service.volumes) ? service.volumes : [];
  return list.map((v): Mount => {
    if (typeof v === 'object' && v !== null) {
      const o = obj(v);
      return {
        type: o.type === 'bind' ? 'bind' : 'volume',
        source: str(o.source) ?? '',
        target: str(o.target) ?? '',
        readOnly: o.read_only === true,
      };
    }
    const parts = (str(v) ?? '').split(':');
    if (parts.length === 1) return { type: 'volume', source: '', target: parts[0] ?? '', readOnly: false };
    const source = parts[0] ?? '';
    const modes = (parts[2] ?? '').split(',');
    return {
      type: /^[./~]/.test(source) ? 'bind' : 'volume',
      source,
      target: parts[1] ?? '',
      readOnly: modes.includes('ro'),
    };
  });
}

export function buildOf(service: Obj): { context: string; dockerfile: string } | undefined {
  if (service.build === undefined) return undefined;
  const b = service.build;
  if (typeof b === 'string') return { context: b, dockerfile: 'Dockerfile' };
  const o = obj(b);
  return { context: str(o.context) ?? '.', dockerfile: str(o.dockerfile) ?? 'Dockerfile' };
}

export function imageName(image: string): string {
  const slash = image.lastIndexOf('/');
  const colon = image.indexOf(':', slash + 1);
  return colon === -1 ? image : image.slice(0, colon);
}

/** host:port -> parts, or undefined when it is not of that shape. */
export function hostPort(address: string | undefined): { host: string; port: number } | undefined {
  const m = /^([^\s:/]+):(\d{1,5})$/.exec(address ?? '');
  return m ? { host: m[1] ?? '', port: Number(m[2]) } : undefined;
}
