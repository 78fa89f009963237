// The looking glass's script: fills the request, reply and relay trees of a
// client page from /api/clients/KEY/transactions. Text goes in with
// textContent only: nothing from the wire is ever parsed as HTML.
'use strict';

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

const HIDDEN = new Set(['code', 'name', 'msg_type', 'msg_name', 'options', 'suboptions', 'message']);

function scalar(v) {
  return el('span', 'v', v === null ? 'null' : String(v));
}

// A message or an option: its name as the title, its fields, its children.
function node(v) {
  if (Array.isArray(v)) {
    const ul = el('ul');
    for (const x of v) {
      const li = el('li');
      li.appendChild(x !== null && typeof x === 'object' ? node(x) : scalar(x));
      ul.appendChild(li);
    }
    return ul;
  }
  const box = el('div', 'node');
  let title = v.msg_name || v.name;
  if (title === undefined && v.code !== undefined) title = 'option ' + v.code;
  if (title) {
    const t = el('span', 'title', String(title));
    if (v.code !== undefined) t.appendChild(el('span', 'code', ' (' + v.code + ')'));
    box.appendChild(t);
  }
  const ul = el('ul');
  for (const [k, x] of Object.entries(v)) {
    if (HIDDEN.has(k) && title) continue;
    const li = el('li');
    li.appendChild(el('span', 'k', k + ': '));
    li.appendChild(x !== null && typeof x === 'object' ? node(x) : scalar(x));
    ul.appendChild(li);
  }
  for (const k of ['message', 'options', 'suboptions']) {
    if (v[k] === undefined || v[k] === null) continue;
    const li = el('li');
    li.appendChild(el('span', 'k', k + ': '));
    li.appendChild(node(v[k]));
    ul.appendChild(li);
  }
  box.appendChild(ul);
  return box;
}

function fill(section, tx) {
  for (const div of section.querySelectorAll('.tree')) {
    const part = div.dataset.part;
    const v = tx[part];
    if (v === null || v === undefined) {
      div.appendChild(el('p', 'none', part === 'reply' ? 'no reply' : '-'));
    } else if (part === 'relays') {
      if (v.length === 0) div.appendChild(el('p', 'none', 'none'));
      v.forEach((r, i) => {
        const box = el('div', 'node');
        box.appendChild(el('span', 'title', (r.own ? 'received directly' : 'relay ' + (i + 1)) +
                           ': link ' + r.link_address + ', peer ' + r.peer_address + ', hop ' + r.hop_count));
        box.appendChild(node(r.options));
        div.appendChild(box);
      });
    } else {
      div.appendChild(node(v));
    }
  }
}

async function load() {
  const key = document.body.dataset.key;
  if (!key) return;
  const res = await fetch('/api/clients/' + encodeURIComponent(key) + '/transactions',
                          {credentials: 'same-origin'});
  if (!res.ok) return;
  const data = await res.json();
  const byId = new Map();
  for (const tx of data.transactions) byId.set(tx.db + '/' + tx.id, tx);
  for (const section of document.querySelectorAll('section.tx')) {
    const tx = byId.get(section.dataset.db + '/' + section.dataset.id);
    if (tx) fill(section, tx);
  }
  document.body.classList.add('loaded');
}

document.addEventListener('DOMContentLoaded', () => { load().catch(() => {}); });
