export interface Instruction {
  keyword: string;
  args: string;
}
export interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*#/.test(raw)) continue; // comments (and parser directives)
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());

  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const keyword = (m[1] ?? '').toUpperCase();
    const args = (m[2] ?? '').replace(/\s+/g, ' ');
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ image: from?.[1] ?? args, name: from?.[2], instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** Exec-form JSON array or shell form, as a list of words. */
export function commandWords(args: string): string[] {
  if (args.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (Array.isArray(parsed)) return parsed.map((w) => String(w));
    } catch {
      // fall through to the shell form
    }
  }
  return args.split(' ');
}

export function finalStage(dockerfile: string): Stage | undefined {
  return parseDockerfile(dockerfile).at(-1);
}

export function dockerfileCmd(dockerfile: string): string[] {
  const cmd = finalStage(dockerfile)
    ?.instructions.filter((i) => i.keyword === 'CMD')
    .at(-1);
  return cmd ? commandWords(cmd.args) : [];
}

export function dockerfileHealthcheck(dockerfile: string): string | undefined {
  const hc = finalStage(dockerfile)
    ?.instructions.filter((i) => i.keyword === 'HEALTHCHECK')
    .at(-1);
  return hc && !/^NONE$/i.test(hc.args) ? hc.args : undefined;
}

export function checkDockerfile(text: string): string[] {
  const problems: string[] = [];
  const stages = parseDockerfile(text);
  if (stages.length < 2) problems.push('Dockerfile: expected a multi-stage build (build + runtime stages)');
  for (const s of stages) {
    if (s.image !== 'node:20-bookworm-slim')
      problems.push(`Dockerfile: stage ${s.name ?? s.image} is FROM ${s.image}, expected node:20-bookworm-slim`);
  }
  const final = stages.at(-1);
  if (!final) return [...problems, 'Dockerfile: no FROM'];
  const build = stages.slice(0, -1);
  const runs = (st: Stage[]) => st.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));

  const buildRuns = runs(build);
  if (!buildRuns.some((r) => /\bnpm ci\b/.test(r) && !/--omit[= ]dev|--production/.test(r))) {
    problems.push('Dockerfile: the build stage must install all dependencies with npm ci');
  }
  if (!buildRuns.some((r) => /\bnpm run build\b/.test(r)))
    problems.push('Dockerfile: the build stage must run npm run build');

  const finalRuns = runs([final]);
  if (!finalRuns.some((r) => /\bnpm (ci|prune)\b.*(--omit[= ]dev|--production)/.test(r))) {
    problems.push('Dockerfile: the runtime stage must install production dependencies only (npm ci --omit=dev)');
  }
  if (finalRuns.some((r) => /\bnpm run build\b/.test(r)))
    problems.push('Dockerfile: the runtime stage must not compile (copy dist/ from the build stage)');
  const buildNames = build.map((s, i) => s.name ?? String(i));
  const copiesDist = final.instructions.some((i) => {
    const m = /^COPY\s+--from=(\S+)\s+(\S+)/i.exec(`${i.keyword} ${i.args}`);
    return m !== null && buildNames.includes(m[1] ?? '') && /(^|\/)dist\/?$/.test(m[2] ?? '');
  });
  if (!copiesDist) problems.push('Dockerfile: the runtime stage must COPY --from=<build stage> the compiled dist/');

  const envLines = final.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args);
  if (!envLines.some((e) => /(^|\s)NODE_ENV[= ]"?production"?(\s|$)/.test(e)))
    problems.push('Dockerfile: the runtime stage must set NODE_ENV=production');
  const user = final.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;
  if (!user || /^(root|0)(:|$)/.test(user))
    problems.push('Dockerfile: the runtime stage must switch to a non-root USER');

  const hc = dockerfileHealthcheck(text);
  if (!hc) {
    problems.push('Dockerfile: the runtime stage needs a HEALTHCHECK for the API');
  } else {
    const words = commandWords(hc.replace(/^(--\S+\s+)*CMD\s+/i, ''));
    if (words[0] !== 'node')
      problems.push(`Dockerfile: HEALTHCHECK must use node (the slim image has no curl/wget), got: ${hc}`);
    const script = words.find((w) => /\.(m?js|cjs)$/.test(w));
    if (script && !final.instructions.some((i) => i.keyword === 'COPY' && i.args.includes(script))) {
      problems.push(`Dockerfile: HEALTHCHECK runs ${script}, which the runtime stage does not COPY`);
    }
  }
  const cmd = dockerfileCmd(text);
  if (cmd[0] !== 'node' || !cmd.includes('dist/api/main.js'))
    problems.push(`Dockerfile: CMD must be node dist/api/main.js, got: ${cmd.join(' ') || '(none)'}`);
  return problems;
}
