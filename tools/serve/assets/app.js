// wenda search page: suggestions as you type, results with highlighted
// snippets, keyboard navigation, a record's whole answer at its own address
// (/?id=ID), and the base's title and example questions from /api/info.
// Plain JavaScript; every piece of text from the knowledge base goes into
// the page through textContent / text nodes, never as HTML.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const input = $('q');
  const list = $('suggestions');
  const results = $('results');
  const status = $('status');
  const notice = $('notice');
  const pager = $('pager');
  const form = $('search');
  const record = $('record');
  const examples = $('examples');
  const facetsBox = $('facets');
  const PAGE = 10;
  // The filters in force (from the address): source, kind, date_from,
  // date_to and field.NAME for the base's extra fields.
  const FILTERS = ['source', 'kind', 'date_from', 'date_to'];
  const isFilter = (k) => FILTERS.includes(k) || k.startsWith('field.');
  let filters = {};
  let fieldNames = []; // the base's extra fields (/api/info), counted as facets too
  let siteTitle = '问答';
  let items = [];
  let active = -1;
  let timer = 0;
  let suggestCtl = null;
  let searchCtl = null;

  // Highlight offsets from the API are [start, end) in Unicode code points,
  // while JavaScript strings count UTF-16 units (an emoji or a CJK
  // Extension B character is two units). Array.from splits a string into
  // code points, so the offsets index it directly.
  function highlight(text, ranges) {
    const cps = Array.from(text || '');
    const frag = document.createDocumentFragment();
    const sorted = (ranges || []).slice().sort((a, b) => a[0] - b[0]);
    let pos = 0;
    for (const r of sorted) {
      const s = Math.max(pos, Math.min(r[0], cps.length));
      const e = Math.min(Math.max(r[1], s), cps.length);
      if (s > pos) frag.append(cps.slice(pos, s).join(''));
      if (e > s) {
        const m = document.createElement('mark');
        m.textContent = cps.slice(s, e).join('');
        frag.append(m);
      }
      pos = Math.max(pos, e);
    }
    if (pos < cps.length) frag.append(cps.slice(pos).join(''));
    return frag;
  }
  window.wendaHighlight = highlight;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // A source a reader can recognise: the file's name without its folders
  // and extension (a name that is only a hash says nothing, so none), and
  // the part of the id after '#' when it names something (第十七条), not a
  // record number.
  function baseName(path) {
    return String(path || '').split('/').pop().replace(/\.(md|txt|jsonl|ndjson|json|tsv|csv)$/i, '');
  }

  function sourceName(source, id) {
    let name = baseName(source);
    if (/^[0-9a-f_]{12,}$/i.test(name)) name = '';
    const at = String(id || '').lastIndexOf('#');
    const part = at >= 0 ? id.slice(at + 1) : '';
    if (part && !/^\d+$/.test(part) && !name.includes(part)) name = name ? name + ' ' + part : part;
    return name;
  }
  window.wendaSourceName = sourceName;

  function metaText(h, extra) {
    return [sourceName(h.source, h.id), h.date].concat(extra || []).filter(Boolean).join(' · ');
  }

  function filterQuery(f) {
    let s = '';
    for (const k of Object.keys(f)) {
      if (isFilter(k) && f[k]) s += '&' + encodeURIComponent(k) + '=' + encodeURIComponent(f[k]);
    }
    return s;
  }

  const FACET_NAMES = { source: '来源', kind: '类型', year: '年份' };
  const KIND_NAMES = { qa: '问答', question: '仅问题' };

  // What a facet value filters by.
  function facetFilter(name, value) {
    if (name === 'year') return { date_from: value + '-01-01', date_to: value + '-12-31' };
    if (name === 'source' || name === 'kind') return { [name]: value };
    return { ['field.' + name]: value };
  }

  function facetLabel(name, value) {
    if (name === 'source') return sourceName(value, '') || baseName(value);
    if (name === 'kind') return KIND_NAMES[value] || value;
    return value;
  }

  // The filters in force, each removable; then each facet's values with
  // their counts over the whole match, each a filter.
  function renderFacets(data) {
    facetsBox.replaceChildren();
    const active = Object.keys(filters).filter((k) => isFilter(k) && filters[k]);
    if (active.length) {
      const row = el('div', 'active');
      row.append(el('span', 'label', '筛选：'));
      for (const k of active) {
        const text = k === 'source' ? '来源 ' + (sourceName(filters[k], '') || filters[k])
          : k === 'kind' ? '类型 ' + (KIND_NAMES[filters[k]] || filters[k])
            : k.startsWith('field.') ? k.slice(6) + ' ' + filters[k]
              : (k === 'date_from' ? '起 ' : '止 ') + filters[k];
        const b = el('button', 'chip', text + ' ×');
        b.type = 'button';
        b.dataset.filter = k;
        b.setAttribute('aria-label', '去掉筛选 ' + text);
        b.addEventListener('click', () => {
          const f = Object.assign({}, filters);
          delete f[k];
          if (k === 'date_from' || k === 'date_to') { delete f.date_from; delete f.date_to; }
          go(data.query, 0, f);
        });
        row.append(b);
      }
      facetsBox.append(row);
    }
    const fs = data.facets || {};
    for (const name of Object.keys(fs)) {
      const values = Object.entries(fs[name]);
      if (values.length < 2) continue; // one value filters nothing out
      const row = el('div', 'facet');
      row.dataset.facet = name;
      row.append(el('span', 'label', (FACET_NAMES[name] || name) + '：'));
      for (const [value, count] of values.slice(0, 8)) {
        const b = el('button', 'value', facetLabel(name, value) + ' ' + count);
        b.type = 'button';
        b.title = value;
        b.addEventListener('click', () => go(data.query, 0, Object.assign({}, filters, facetFilter(name, value))));
        row.append(b);
      }
      facetsBox.append(row);
    }
    facetsBox.hidden = !facetsBox.childNodes.length;
  }

  function recordURL(id) {
    const q = input.value.trim();
    return '/?id=' + encodeURIComponent(id) + (q ? '&q=' + encodeURIComponent(q) : '');
  }

  async function getJSON(url, ctl) {
    const r = await fetch(url, { signal: ctl.signal, headers: { Accept: 'application/json' } });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      const msg = body && body.error ? body.error.message : r.status + ' ' + r.statusText;
      throw new Error(msg);
    }
    return body;
  }

  // ---- suggestions ----
  function closeSuggestions() {
    list.hidden = true;
    list.replaceChildren();
    items = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function setActive(i) {
    const lis = list.children;
    if (active >= 0 && lis[active]) lis[active].setAttribute('aria-selected', 'false');
    active = i;
    if (active >= 0 && lis[active]) {
      lis[active].setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', lis[active].id);
      lis[active].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function showSuggestions(data) {
    list.replaceChildren();
    items = data.suggestions || [];
    active = -1;
    if (!items.length || document.activeElement !== input) {
      closeSuggestions();
      return;
    }
    items.forEach((s, i) => {
      const li = el('li');
      li.id = 'sg-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.append(highlight(s.question, s.highlights));
      li.addEventListener('mousedown', (ev) => {
        ev.preventDefault(); // keep the focus in the box
        choose(i);
      });
      list.append(li);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function suggest() {
    const q = input.value.trim();
    if (suggestCtl) suggestCtl.abort();
    if (!q) {
      closeSuggestions();
      return;
    }
    suggestCtl = new AbortController();
    getJSON('/api/suggest?n=8&q=' + encodeURIComponent(q), suggestCtl)
      .then(showSuggestions)
      .catch((e) => { if (e.name !== 'AbortError') closeSuggestions(); });
  }

  function choose(i) {
    const s = items[i];
    if (!s) return;
    input.value = s.question;
    closeSuggestions();
    go(s.question, 0);
  }

  // ---- results ----
  function renderResults(data, offset) {
    results.replaceChildren();
    pager.replaceChildren();
    notice.hidden = true;
    notice.replaceChildren();
    const hits = data.hits || [];
    const answered = data.answered !== false;
    if (!hits.length) {
      status.textContent = '没有找到答案：' + data.query;
    } else {
      status.textContent = '第 ' + (offset + 1) + '–' + (offset + hits.length) + ' 条（' +
        data.took_ms + ' 毫秒）';
    }
    // A question typed in pinyin was searched as the Chinese it spells.
    if (data.read_as) status.textContent += ' · 按拼音 ' + data.query + ' 查：' + data.read_as;
    if (hits.length && !answered) {
      // Nothing answers confidently: say so, and set the closest records apart.
      notice.append(el('strong', null, '没有找到可靠答案'),
        el('span', null, '知识库里没有记录能可靠地回答这个问题。下面是最接近的记录，仅供参考，可能并不回答你的问题。'));
      notice.hidden = false;
    }
    results.classList.toggle('closest', hits.length > 0 && !answered);
    for (const h of hits) {
      const sure = typeof h.confidence === 'number' ? h.confidence : 1;
      const li = el('li', 'result' + (sure < (data.min_confidence || 0) ? ' unsure' : ''));
      li.tabIndex = 0;
      li.dataset.id = h.id;
      const h2 = el('h2');
      const a = el('a', 'open', h.question);
      a.href = recordURL(h.id);
      a.tabIndex = -1; // the result itself takes the focus; Enter opens it
      a.addEventListener('click', (ev) => {
        if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
        ev.preventDefault();
        openRecord(h.id);
      });
      h2.append(a);
      if (h.kind === 'question') h2.append(el('span', 'badge', '仅问题'));
      const p = el('p', 'snippet');
      p.append(highlight(h.snippet, h.highlights));
      const meta = el('div', 'meta', metaText(h, ['可信度 ' + Math.round(sure * 100) + '%']));
      li.append(h2, p, meta);
      const more = h.more_like_this || [];
      if (more.length) {
        // Records with the same (or nearly the same) question and answer.
        const d = el('details', 'more');
        d.append(el('summary', null, '另有 ' + more.length + ' 条相似'));
        const ul = el('ul');
        for (const id of more) {
          const item = el('li');
          const link = el('a', null, id);
          link.href = recordURL(id);
          link.addEventListener('click', (ev) => {
            if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
            ev.preventDefault();
            openRecord(id);
          });
          item.append(link);
          ul.append(item);
        }
        d.append(ul);
        li.append(d);
      }
      li.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' && ev.target === li) {
          ev.preventDefault();
          openRecord(h.id);
        }
      });
      results.append(li);
    }
    if (offset > 0) {
      const prev = el('button', null, '上一页');
      prev.type = 'button';
      prev.addEventListener('click', () => go(data.query, Math.max(0, offset - PAGE), filters));
      pager.append(prev);
    }
    if (offset + hits.length < data.total && hits.length === PAGE) {
      const next = el('button', null, '下一页');
      next.type = 'button';
      next.addEventListener('click', () => go(data.query, offset + PAGE, filters));
      pager.append(next);
    }
    renderFacets(data);
    results.dataset.state = 'done';
  }

  // ---- one record, whole ----
  function showList(on) {
    record.hidden = on;
    results.hidden = !on;
    pager.hidden = !on;
    if (!on) facetsBox.hidden = true;
    if (!on) notice.hidden = true;
  }

  function renderRecord(r) {
    record.replaceChildren();
    const back = el('button', 'back', input.value.trim() ? '← 返回结果' : '← 搜索');
    back.type = 'button';
    back.addEventListener('click', () => {
      if (history.state && history.state.from) history.back();
      else go(input.value, 0);
    });
    const h2 = el('h2', null, r.question);
    if (r.kind === 'question') h2.append(el('span', 'badge', '仅问题'));
    const body = el('div', 'answer');
    // Paragraphs kept: each line of the answer a paragraph of its own.
    for (const para of String(r.answer || '').split(/\r?\n/)) {
      if (para.trim()) body.append(el('p', null, para));
    }
    if (!body.childNodes.length) body.append(el('p', 'none', '（没有写下的答案）'));
    const meta = el('div', 'meta', metaText(r));
    const id = el('div', 'id', '编号 ' + r.id);
    record.append(back, h2, meta, body, id);
    record.dataset.state = 'done';
    document.title = r.question + ' - ' + siteTitle;
    status.textContent = '';
  }

  function showRecord(id) {
    if (searchCtl) searchCtl.abort();
    searchCtl = new AbortController();
    showList(false);
    record.dataset.state = 'loading';
    record.replaceChildren();
    status.textContent = '载入中…';
    getJSON('/api/record?id=' + encodeURIComponent(id), searchCtl)
      .then(renderRecord)
      .catch((e) => {
        if (e.name === 'AbortError') return;
        status.textContent = '出错了：' + e.message;
        record.dataset.state = 'error';
      });
  }

  function openRecord(id) {
    history.pushState({ id: id, from: 'results' }, '', recordURL(id));
    showRecord(id);
  }

  function search(q, offset) {
    if (searchCtl) searchCtl.abort();
    searchCtl = new AbortController();
    showList(true);
    examples.hidden = true;
    results.dataset.state = 'loading';
    status.textContent = '搜索中…';
    document.title = q + ' - ' + siteTitle;
    getJSON('/api/search?n=' + PAGE + '&offset=' + offset + '&facets=' +
      encodeURIComponent(['source', 'kind', 'year'].concat(fieldNames).join(',')) +
      filterQuery(filters) + '&q=' + encodeURIComponent(q), searchCtl)
      .then((d) => renderResults(d, offset))
      .catch((e) => {
        if (e.name === 'AbortError') return;
        results.replaceChildren();
        status.textContent = '出错了：' + e.message;
        results.dataset.state = 'error';
      });
  }

  // A search; f: the filters (default: those in force).
  function go(q, offset, f) {
    q = q.trim();
    if (!q) return;
    if (f) filters = f;
    const url = '/?q=' + encodeURIComponent(q) + filterQuery(filters) + (offset ? '&offset=' + offset : '');
    history.pushState({ q: q, offset: offset }, '', url);
    search(q, offset);
  }

  function fromLocation() {
    const p = new URLSearchParams(location.search);
    const q = p.get('q') || '';
    const id = p.get('id') || '';
    const offset = Math.max(0, parseInt(p.get('offset') || '0', 10) || 0);
    filters = {};
    for (const [k, v] of p) if (isFilter(k) && v) filters[k] = v;
    input.value = q;
    if (id) showRecord(id);
    else if (q) search(q, offset);
    else {
      showList(true);
      results.replaceChildren();
      pager.replaceChildren();
      facetsBox.hidden = true;
      status.textContent = '';
      examples.hidden = !examples.childNodes.length;
      document.title = siteTitle;
    }
  }

  // ---- what the base is: title, description, example questions ----
  function showInfo(info) {
    fieldNames = (info.fields || []).slice(0, 8);
    if (info.title) {
      siteTitle = info.title;
      $('title').textContent = info.title;
      if (!new URLSearchParams(location.search).get('q') && !new URLSearchParams(location.search).get('id')) {
        document.title = info.title;
      }
    }
    const desc = $('description');
    desc.textContent = info.description || '';
    desc.hidden = !info.description;
    const ex = info.examples || [];
    if (ex.length) input.placeholder = '输入问题，例如：' + ex[0];
    examples.replaceChildren();
    if (ex.length) examples.append(el('span', null, '试试：'));
    for (const q of ex) {
      const b = el('button', 'example', q);
      b.type = 'button';
      b.addEventListener('click', () => {
        input.value = q;
        go(q, 0);
      });
      examples.append(b);
    }
    const p = new URLSearchParams(location.search);
    examples.hidden = !ex.length || !!p.get('q') || !!p.get('id');
  }

  // ---- keyboard ----
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 60);
  });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && items.length) {
      ev.preventDefault();
      setActive((active + 1) % items.length);
    } else if (ev.key === 'ArrowUp' && items.length) {
      ev.preventDefault();
      setActive(active <= 0 ? items.length - 1 : active - 1);
    } else if (ev.key === 'Escape') {
      closeSuggestions();
    } else if (ev.key === 'Enter' && active >= 0) {
      ev.preventDefault();
      choose(active);
    }
  });
  input.addEventListener('blur', () => setTimeout(closeSuggestions, 100));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    if (suggestCtl) suggestCtl.abort();
    closeSuggestions();
    go(input.value, 0);
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.target === input || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const rs = Array.from(results.children);
    const at = rs.indexOf(document.activeElement);
    if (ev.key === '/') {
      ev.preventDefault();
      input.focus();
      input.select();
    } else if ((ev.key === 'j' || ev.key === 'ArrowDown') && rs.length) {
      ev.preventDefault();
      rs[Math.min(at + 1, rs.length - 1)].focus();
    } else if ((ev.key === 'k' || ev.key === 'ArrowUp') && rs.length) {
      ev.preventDefault();
      if (at <= 0) input.focus();
      else rs[at - 1].focus();
    }
  });
  window.addEventListener('popstate', fromLocation);
  // What the base is first (its extra fields are facets of every search), then
  // what the address asks for.
  getJSON('/api/info', new AbortController()).then(showInfo).catch(() => {}).finally(fromLocation);
})();
