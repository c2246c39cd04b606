// Syn gateway dashboard: everything arrives pushed over one server-sent event stream (/api/events):
//   snapshot -> nodes, devices per node, tenants (sent on connect and whenever they change)
//   syn      -> one registry or group event, as this node applied it
//   dropped  -> how many events of a burst were not carried
(function () {
  'use strict';

  const MAX_EVENTS = 300;
  const $ = (id) => document.getElementById(id);
  const els = {
    self: $('self-node'), status: $('status'), statusText: $('status-text'),
    nodeCount: $('node-count'), deviceCount: $('device-count'), tenantCount: $('tenant-count'), eventCount: $('event-count'),
    nodes: $('nodes'), tenants: $('tenants'), tenantsMore: $('tenants-more'),
    events: $('events'), eventsEmpty: $('events-empty'), showGroups: $('show-groups'), output: $('output'), host: $('host'),
  };
  els.host.textContent = location.host;

  let eventsSeen = 0;
  let pending = [];
  let flushTimer = null;
  const previousCounts = new Map();

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setStatus(state, text) {
    els.status.dataset.state = state;
    els.statusText.textContent = text;
  }

  // ---- snapshot: nodes and tenants ----

  function renderSnapshot(s) {
    document.title = 'Syn gateway · ' + s.node;
    els.self.textContent = s.node;
    els.nodeCount.textContent = s.nodes.length;
    els.deviceCount.textContent = s.devices;
    els.tenantCount.textContent = s.tenantCount;

    const max = Math.max(1, ...s.nodes.map((n) => n.devices));
    const tiles = document.createDocumentFragment();
    s.nodes.forEach((n) => {
      const tile = el('div', 'node' + (n.self ? ' self' : '') + (n.synced ? '' : ' syncing'));
      tile.dataset.node = n.name;
      tile.dataset.nodeId = n.id;
      tile.appendChild(el('div', 'name', n.name));
      tile.appendChild(el('div', 'id', n.id));
      const devices = el('div', 'devices', String(n.devices));
      devices.dataset.count = n.devices;
      devices.appendChild(el('small', null, n.devices === 1 ? 'device' : 'devices'));
      tile.appendChild(devices);
      const bar = el('div', 'bar');
      const fill = el('span');
      fill.style.width = (100 * n.devices / max) + '%';
      bar.appendChild(fill);
      tile.appendChild(bar);
      if (n.self) tile.appendChild(el('span', 'tag', 'this node'));
      else if (!n.synced) tile.appendChild(el('span', 'tag', 'syncing'));
      const before = previousCounts.get(n.id);
      if (before !== undefined && before !== n.devices) tile.classList.add('flash');
      previousCounts.set(n.id, n.devices);
      tiles.appendChild(tile);
    });
    els.nodes.replaceChildren(tiles);

    if (s.tenants.length === 0) {
      els.tenants.replaceChildren(el('p', 'empty', 'no devices yet: connect one, or simulate some below'));
    } else {
      const top = Math.max(1, ...s.tenants.map((t) => t.devices));
      const rows = document.createDocumentFragment();
      s.tenants.forEach((t) => {
        const row = el('div', 'tenant');
        row.dataset.tenant = t.name;
        row.appendChild(el('span', 'name', t.name));
        const bar = el('div', 'bar');
        const fill = el('span');
        fill.style.width = (100 * t.devices / top) + '%';
        bar.appendChild(fill);
        row.appendChild(bar);
        const count = el('span', 'count', String(t.devices));
        count.dataset.count = t.devices;
        row.appendChild(count);
        rows.appendChild(row);
      });
      els.tenants.replaceChildren(rows);
    }
    const hidden = s.tenantCount - s.tenants.length;
    els.tenantsMore.hidden = hidden <= 0;
    els.tenantsMore.textContent = hidden > 0 ? '… and ' + hidden + ' smaller tenants' : '';
  }

  // ---- events ----

  function time(millis) {
    const d = new Date(millis);
    const pad = (n, w) => String(n).padStart(w || 2, '0');
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
  }

  function eventRow(e) {
    const isGroup = e.group !== null && e.group !== undefined;
    const row = el('li', 'event' + (isGroup ? ' group' : ''));
    row.dataset.type = e.type;
    row.dataset.reasonType = e.reasonType;
    if (isGroup) row.dataset.group = e.group; else row.dataset.name = e.name;
    row.appendChild(el('span', 'time', time(e.at)));
    row.appendChild(el('span', 'badge ' + e.type, e.type.replace('_', ' ')));
    const what = el('span', 'what');
    if (isGroup) {
      const deviceId = e.meta && e.meta.id ? e.meta.id : e.process;
      what.appendChild(el('strong', null, deviceId));
      what.appendChild(el('span', 'on', (e.type === 'LEFT' ? ' ⟵ ' : ' → ') + e.group + ' @ ' + e.node));
    } else {
      what.appendChild(el('strong', null, e.name));
      const tenant = e.meta && e.meta.tenant ? ' · ' + e.meta.tenant : '';
      what.appendChild(el('span', 'on', ' @ ' + e.node + tenant));
    }
    what.title = e.process + ' ' + JSON.stringify(e.meta);
    row.appendChild(what);
    let reason = e.reasonType;
    if (e.reasonType === 'NODE_DOWN' || e.reasonType === 'NODE_UP') reason += ' ' + e.reasonNode;
    else if (e.reasonType === 'EXIT') reason = e.reason;
    row.appendChild(el('span', 'reason ' + e.reasonType, reason));
    return row;
  }

  function queueEvent(node) {
    pending.push(node);
    if (!flushTimer) flushTimer = setTimeout(flush, 40);
  }

  function flush() {
    flushTimer = null;
    const batch = pending;
    pending = [];
    const fragment = document.createDocumentFragment();
    for (let i = batch.length - 1; i >= Math.max(0, batch.length - MAX_EVENTS); i--) fragment.appendChild(batch[i]);
    els.events.insertBefore(fragment, els.events.firstChild);
    while (els.events.childElementCount > MAX_EVENTS) els.events.lastElementChild.remove();
    els.eventsEmpty.hidden = els.events.childElementCount > 0;
    els.eventCount.textContent = eventsSeen;
  }

  els.showGroups.addEventListener('change', () => {
    els.events.classList.toggle('hide-groups', !els.showGroups.checked);
  });

  // ---- the stream ----

  function connect() {
    const stream = new EventSource('api/events');
    stream.addEventListener('open', () => setStatus('live', 'live'));
    stream.addEventListener('error', () => setStatus('down', 'reconnecting'));
    stream.addEventListener('snapshot', (m) => { if (m.data) renderSnapshot(JSON.parse(m.data)); });
    stream.addEventListener('syn', (m) => {
      eventsSeen++;
      queueEvent(eventRow(JSON.parse(m.data)));
    });
    stream.addEventListener('dropped', (m) => {
      const count = JSON.parse(m.data).count;
      eventsSeen += count;
      queueEvent(el('li', 'event dropped', count + ' more events in this burst were not shown'));
    });
  }

  // ---- try it ----

  function show(title, value) {
    const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    els.output.textContent = title + '\n' + text;
  }

  async function call(method, url, body) {
    const options = { method: method, headers: {} };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = body;
    }
    const response = await fetch(url, options);
    const text = await response.text();
    let data = text;
    try { data = JSON.parse(text); } catch (notJson) { /* keep the text */ }
    show(method + ' ' + url + ' → ' + response.status, data);
  }

  let browserDevice = null;

  function connectDevice(id, tenant, token) {
    if (browserDevice) browserDevice.close(1000, 'replaced');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const base = location.pathname.replace(/[^/]*$/, '');
    const url = scheme + '://' + location.host + base + 'ws/devices/' + encodeURIComponent(id) + '?tenant=' + encodeURIComponent(tenant);
    // a browser's WebSocket cannot send an Authorization header: the token goes in the query
    const socket = new WebSocket(url + '&token=' + encodeURIComponent(token));
    const log = ['device ' + id + ' (' + tenant + ') → ' + url];
    const write = (line) => { log.push(line); if (log.length > 40) log.splice(1, 1); show('Browser device', log.join('\n')); };
    let opened = false;
    socket.onopen = () => { opened = true; write('connected'); };
    socket.onmessage = (m) => {
      write('⇣ ' + m.data);
      let frame = null;
      try { frame = JSON.parse(m.data); } catch (notJson) { return; }
      if (frame.type === 'ping') {
        const pong = JSON.stringify({ type: 'pong', id: frame.id, device: id, agent: 'browser' });
        socket.send(pong);
        write('⇡ ' + pong);
      }
    };
    socket.onclose = (c) => {
      // a refused handshake (HTTP 401 for a missing or wrong token) reaches a page only as 1006
      write(opened ? 'closed: ' + c.code + (c.reason ? ' ' + c.reason : '') : 'refused (' + c.code + '): is the token this device\'s?');
      if (browserDevice === socket) browserDevice = null;
    };
    browserDevice = socket;
  }

  document.querySelectorAll('form.action').forEach((form) => {
    const v = (name) => form.elements[name].value.trim();
    form.addEventListener('submit', (submit) => {
      submit.preventDefault();
      switch (form.dataset.action) {
        case 'simulate':
          call('POST', 'api/simulate?count=' + encodeURIComponent(v('count')) + '&prefix=' + encodeURIComponent(v('prefix'))
            + '&tenant=' + encodeURIComponent(v('tenant')));
          break;
        case 'lookup': call('GET', 'api/devices/' + encodeURIComponent(v('id'))); break;
        case 'command': call('POST', 'api/devices/' + encodeURIComponent(v('id')) + '/commands', v('body')); break;
        case 'broadcast': call('POST', 'api/tenants/' + encodeURIComponent(v('tenant')) + '/broadcast', v('body')); break;
        case 'ping':
          call('POST', 'api/tenants/' + encodeURIComponent(v('tenant')) + '/ping?timeoutMs=' + encodeURIComponent(v('timeoutMs')));
          break;
        case 'connect': connectDevice(v('id'), v('tenant'), v('token')); break;
      }
    });
    form.querySelectorAll('[data-secondary]').forEach((button) => button.addEventListener('click', () => {
      if (button.dataset.secondary === 'stop') call('DELETE', 'api/simulate?prefix=' + encodeURIComponent(v('prefix')));
      if (button.dataset.secondary === 'disconnect' && browserDevice) browserDevice.close(1000, 'disconnected from the dashboard');
    }));
  });

  connect();
})();
