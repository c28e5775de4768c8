// tests/pwsh/check.mjs FILE.ps1... - the PowerShell checks of `make check`:
//  1. the file parses with the real PowerShell grammar (tree-sitter-powershell)
//     with zero ERROR or MISSING nodes;
//  2. every command is a cmdlet listed in cmdlet-params.tsv (Windows
//     PowerShell 5.1), a function the file defines, or a Windows executable
//     run by path; no aliases;
//  3. every named parameter exists for that cmdlet (full names, as listed),
//     or among the common parameters, or in the function's param block.
// Prints one line per problem and "N checked, N problems"; exit 1 on problems.
import { Parser, Language } from 'web-tree-sitter';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// The grammar's WASM is large: V8's optimising tier compiles it in the
// background for minutes, and node waits for that at exit (seen: 5 min on 2
// busy cores, for a parse that took 0.4 s).  The baseline compiler alone is
// fast enough for one file.
setFlagsFromString('--liftoff-only');

const here = dirname(fileURLToPath(import.meta.url));

function loadTable() {
  const cmdlets = new Map();  // lower name -> { params:Set, shouldProcess:bool }
  const common = new Set();
  const lines = readFileSync(join(here, 'cmdlet-params.tsv'), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    if (!line) continue;
    const [cmdlet, param, type] = line.split('\t');
    if (cmdlet === '*') {
      if (param !== 'WhatIf' && param !== 'Confirm') common.add(param.toLowerCase());
      continue;
    }
    const key = cmdlet.toLowerCase();
    if (!cmdlets.has(key)) cmdlets.set(key, { params: new Set(), shouldProcess: false });
    const c = cmdlets.get(key);
    if (param === '-') c.shouldProcess = type === 'supports_should_process=yes';
    else c.params.add(param.toLowerCase());
  }
  return { cmdlets, common };
}

function* walk(node) {
  yield node;
  for (let i = 0; i < node.childCount; i++) yield* walk(node.child(i));
}

function functionsOf(root) {
  const fns = new Map();
  for (const n of walk(root)) {
    if (n.type !== 'function_statement') continue;
    const name = n.children.find((c) => c.type === 'function_name');
    if (!name) continue;
    const params = new Set();
    for (const m of walk(n)) {
      if (m.type === 'script_parameter') {
        const v = m.children.find((c) => c.type === 'variable');
        if (v) params.add(v.text.replace(/^\$/, '').toLowerCase());
      }
    }
    fns.set(name.text.toLowerCase(), params);
  }
  return fns;
}

// A command's own parameters: not those of commands inside its script-block arguments.
function* paramsOf(cmd) {
  const stack = [...cmd.children];
  while (stack.length) {
    const x = stack.pop();
    if (x.type === 'command_parameter') yield x;
    if (x.type === 'command' || x.type === 'script_block' || x.type === 'script_block_expression') continue;
    stack.push(...x.children);
  }
}

function line(n) { return n.startPosition.row + 1; }

async function main(files) {
  await Parser.init();
  const lang = await Language.load(join(here, 'node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm'));
  const parser = new Parser();
  parser.setLanguage(lang);
  const { cmdlets, common } = loadTable();
  let problems = 0, checked = 0;
  const report = (f, n, msg) => { problems++; console.log(`${f}:${line(n)}: ${msg}`); };

  for (const f of files) {
    const tree = parser.parse(readFileSync(f, 'utf8'));
    for (const n of walk(tree.rootNode)) {
      if (n.type === 'ERROR' || n.isMissing) report(f, n, `syntax error near '${n.text.slice(0, 40)}'`);
    }
    const fns = functionsOf(tree.rootNode);
    for (const n of walk(tree.rootNode)) {
      if (n.type !== 'command') continue;
      const nameNode = n.childForFieldName('command_name') || n.children.find((c) => c.type === 'command_name');
      if (!nameNode || nameNode.type !== 'command_name') continue;  // & $expr: not a literal name
      const name = nameNode.text;
      const key = name.toLowerCase();
      checked++;
      let allowed;
      if (cmdlets.has(key)) {
        const c = cmdlets.get(key);
        allowed = new Set([...c.params, ...common]);
        if (c.shouldProcess) { allowed.add('whatif'); allowed.add('confirm'); }
      } else if (fns.has(key)) {
        allowed = fns.get(key);
      } else if (/\.exe$/i.test(name)) {
        continue;  // a Windows program; its flags are not PowerShell parameters
      } else {
        report(f, n, `unknown command '${name}' (not in cmdlet-params.tsv, not defined here)`);
        continue;
      }
      for (const p of paramsOf(n)) {
        const pname = p.text.replace(/^-/, '').replace(/:$/, '').toLowerCase();
        if (!allowed.has(pname)) report(f, p, `'${name}' has no parameter '-${pname}'`);
      }
    }
  }
  console.log(`${checked} commands checked, ${problems} problems`);
  process.exit(problems ? 1 : 0);
}

main(process.argv.slice(2));
