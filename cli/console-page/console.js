// The status console's page: one EventSource on /events; each `status` event carries the
// whole status screen, drawn with DOM calls (text only, never HTML from the data).
// The browser never polls: the server pushes a new status when the services report a change.
'use strict';

(function () {
  const byId = (id) => document.getElementById(id);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {}))
      if (value !== undefined && value !== null) node.setAttribute(name, String(value));
    for (const child of children.flat(Infinity))
      if (child !== undefined && child !== null && child !== false)
        node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
    return node;
  }

  function ago(iso) {
    if (!iso) return '-';
    const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
    if (!Number.isFinite(seconds)) return '-';
    if (seconds < 2) return 'just now';
    if (seconds < 90) return `${seconds}s ago`;
    if (seconds < 5400) return `${Math.round(seconds / 60)}m ago`;
    if (seconds < 129600) return `${Math.round(seconds / 3600)}h ago`;
    return `${Math.round(seconds / 86400)}d ago`;
  }

  /** A time shown as "3m ago", its exact value on hover. */
  const when = (iso) => el('time', { datetime: iso || '', title: iso || '' }, ago(iso));
  const short = (hash) => (hash ? hash.slice(0, 12) : '-');

  function summary(model) {
    const push = model.push;
    const vip = model.vip;
    const items = [
      ['push leader', push ? push.leader || 'none' : 'unknown'],
      [
        'desired revision',
        push ? `${push.desiredRevision} ${short(push.desiredContentHash)}` : 'unknown',
      ],
      ['VIP holder', vip ? vipText(vip) : 'unknown'],
      ['instances', model.instances ? String(model.instances.total) : 'unknown'],
    ];
    return el(
      'div',
      { class: 'summary' },
      items.map(([label, value]) =>
        el('div', { 'data-field': label }, el('span', {}, label), value),
      ),
    );
  }

  function vipText(vip) {
    if (vip.holders.length === 1) return vip.holders[0];
    if (vip.holders.length > 1) return `split brain: ${vip.holders.join(', ')}`;
    return vip.note || 'not known';
  }

  function nodeCard(node) {
    const state = node.stale ? `${node.status} (stale)` : node.status;
    const rows = [
      ['since', when(node.since)],
      ['why', node.reason || '-'],
      [
        'applied',
        node.appliedRevision === undefined || node.appliedRevision === null
          ? el('span', { class: 'behind' }, 'none')
          : el(
              'span',
              { class: node.upToDate === false ? 'behind' : '' },
              `r${node.appliedRevision} ${short(node.appliedContentHash)}${node.upToDate === false ? ' (behind)' : ''}`,
            ),
      ],
      [
        'last push',
        node.lastPush
          ? [
              `${node.lastPush.outcome} r${node.lastPush.revision} `,
              when(node.lastPush.finishTime),
              node.lastPush.error ? `: ${node.lastPush.error}` : '',
            ]
          : '-',
      ],
    ];
    if (node.vrrp) rows.push(['VRRP', `${node.vrrp.state} ${node.vrrp.instance}`]);
    return el(
      'article',
      {
        class: 'node',
        'data-node-ip': node.ip,
        'data-status': node.status,
        'data-stale': String(node.stale),
      },
      el(
        'h3',
        {},
        `${node.ip}${node.label ? ` (${node.label})` : ''} `,
        el('span', { class: `badge ${node.stale ? 'stale' : node.status}` }, state),
      ),
      el(
        'dl',
        {},
        rows.map(([name, value]) => [el('dt', {}, name), el('dd', {}, value)]),
      ),
    );
  }

  function table(headers, rows) {
    return el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            headers.map((header) => el('th', {}, header)),
          ),
        ),
        el(
          'tbody',
          {},
          rows.map((row) =>
            el(
              'tr',
              {},
              row.map((cell) => el('td', {}, cell)),
            ),
          ),
        ),
      ),
    );
  }

  function unknown(what) {
    return el('p', { class: 'muted' }, `${what}: not known (service did not answer)`);
  }

  function draw(snapshot) {
    const model = snapshot.model;
    byId('summary').replaceChildren(summary(model));
    byId('nodes').replaceChildren(
      ...(model.nodes
        ? model.nodes.length > 0
          ? model.nodes.map(nodeCard)
          : [el('p', { class: 'muted' }, 'no nodes in the inventory')]
        : [unknown('nodes')]),
    );
    const instances = model.instances;
    byId('instances').replaceChildren(
      ...(instances
        ? [
            el(
              'p',
              { class: 'muted' },
              `${instances.total} instances, registry revision ${instances.revision}`,
            ),
            instances.selfPreservation.active
              ? el(
                  'p',
                  { class: 'problem' },
                  `self-preservation active: ${instances.selfPreservation.reason}`,
                )
              : null,
            table(
              ['group', 'instances', 'draining', 'backup'],
              instances.groups.map((group) => [
                group.group,
                group.instances,
                group.draining,
                group.backup,
              ]),
            ),
          ].filter(Boolean)
        : [unknown('instances')]),
    );
    const quarantined = model.quarantined;
    byId('quarantined').replaceChildren(
      quarantined
        ? quarantined.length > 0
          ? el(
              'ul',
              { class: 'list' },
              quarantined.map((entry) =>
                el('li', {}, `${entry.id} on ${entry.node}: ${entry.reason} `, when(entry.since)),
              ),
            )
          : el('p', { class: 'muted' }, 'none')
        : unknown('quarantined instances'),
    );
    const alerts = model.alerts;
    byId('alerts').replaceChildren(
      alerts
        ? alerts.length > 0
          ? el(
              'ul',
              { class: 'list' },
              alerts.map((alert) =>
                el(
                  'li',
                  { 'data-alert-key': alert.key },
                  el('span', { class: alert.state }, alert.state),
                  ` ${alert.source}: ${alert.message} `,
                  when(alert.time),
                ),
              ),
            )
          : el('p', { class: 'muted' }, 'none')
        : unknown('alerts'),
    );
    const problems = [
      ...model.errors.map((error) => error.message),
      ...snapshot.streams
        .filter((stream) => stream.state === 'broken')
        .map((stream) => `${stream.service} watch: reconnecting (${stream.error})`),
    ];
    byId('problems').replaceChildren(
      ...problems.map((text) => el('p', { class: 'problem' }, text)),
    );
    byId('footer').textContent =
      `read-only · status gathered ${new Date(snapshot.gatheredAt).toLocaleTimeString()}`;
  }

  function connection(text, state) {
    const node = byId('connection');
    node.textContent = text;
    node.className = `connection ${state}`;
  }

  const events = new EventSource('/events');
  events.addEventListener('open', () => connection('live', 'live'));
  events.addEventListener('error', () => connection('connection lost: reconnecting…', 'lost'));
  events.addEventListener('status', (event) => {
    connection('live', 'live');
    draw(JSON.parse(event.data));
  });

  // Keep the "… ago" labels true between updates (a local clock: nothing is fetched).
  setInterval(() => {
    for (const node of document.querySelectorAll('time[datetime]'))
      node.textContent = ago(node.getAttribute('datetime'));
  }, 5000);
})();
