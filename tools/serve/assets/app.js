// wenda search page: suggestions as you type, results with highlighted
// snippets, keyboard navigation. Plain JavaScript; every piece of text from
// the knowledge base goes into the page through textContent / text nodes,
// never as HTML.
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
  const PAGE = 10;
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
      const h2 = el('h2', null, h.question);
      if (h.kind === 'question') h2.append(el('span', 'badge', '仅问题'));
      const p = el('p', 'snippet');
      p.append(highlight(h.snippet, h.highlights));
      const meta = el('div', 'meta', h.id + ' · ' + h.source + (h.date ? ' · ' + h.date : '') +
        ' · 可信度 ' + Math.round(sure * 100) + '%');
      li.append(h2, p, meta);
      results.append(li);
    }
    if (offset > 0) {
      const prev = el('button', null, '上一页');
      prev.type = 'button';
      prev.addEventListener('click', () => go(data.query, Math.max(0, offset - PAGE)));
      pager.append(prev);
    }
    if (offset + hits.length < data.total && hits.length === PAGE) {
      const next = el('button', null, '下一页');
      next.type = 'button';
      next.addEventListener('click', () => go(data.query, offset + PAGE));
      pager.append(next);
    }
    results.dataset.state = 'done';
  }

  function search(q, offset) {
    if (searchCtl) searchCtl.abort();
    searchCtl = new AbortController();
    results.dataset.state = 'loading';
    status.textContent = '搜索中…';
    document.title = q + ' - wenda 问答';
    getJSON('/api/search?n=' + PAGE + '&offset=' + offset + '&q=' + encodeURIComponent(q), searchCtl)
      .then((d) => renderResults(d, offset))
      .catch((e) => {
        if (e.name === 'AbortError') return;
        results.replaceChildren();
        status.textContent = '出错了：' + e.message;
        results.dataset.state = 'error';
      });
  }

  function go(q, offset) {
    q = q.trim();
    if (!q) return;
    const url = '/?q=' + encodeURIComponent(q) + (offset ? '&offset=' + offset : '');
    history.pushState({ q: q, offset: offset }, '', url);
    search(q, offset);
  }

  function fromLocation() {
    const p = new URLSearchParams(location.search);
    const q = p.get('q') || '';
    const offset = Math.max(0, parseInt(p.get('offset') || '0', 10) || 0);
    input.value = q;
    if (q) search(q, offset);
    else {
      results.replaceChildren();
      pager.replaceChildren();
      status.textContent = '';
    }
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
  fromLocation();
})();
