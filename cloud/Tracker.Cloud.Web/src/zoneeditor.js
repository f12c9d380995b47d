// Zone editing on the map (issue 16, operators): the fleet's zones drawn on the map and listed;
// "Draw polygon" (click the map for each corner), "Draw circle" (click the centre, then a point
// on the edge), "Edit" (drag the corners or the centre and edge handles, rename) and "Delete",
// all through the zones API. The server judges the shape (self-intersecting, out of range, too
// many corners, too small) and its reason is shown as it gave it (src/zones.js).

import { MAX_VERTICES, distanceM, newZoneId, readZone, refusalText, zoneBody } from './zones.js';

const ZONE_STYLE = { color: '#b45309', weight: 2, fillOpacity: 0.08, interactive: false };
const DRAFT_STYLE = { color: '#7c3aed', weight: 2, dashArray: '5 4', fillOpacity: 0.12, interactive: false };

/**
 * @param {Document} doc the document.
 * @returns the elements (index.html).
 */
export function zoneElements(doc) {
  const $ = (id) => doc.getElementById(id);
  return {
    section: $('zones-section'), name: $('zone-name'), drawPolygon: $('zone-draw-polygon'), drawCircle: $('zone-draw-circle'),
    save: $('zone-save'), cancel: $('zone-cancel'), message: $('zone-message'), list: $('zone-list'),
  };
}

/**
 * @param {{L: any, map: any, api: any, elements: ReturnType<typeof zoneElements>, scope: any,
 *   announce: (text: string) => void}} options
 * @returns the editor.
 */
export function createZoneEditor(options) {
  const { L, map, api, elements: el, scope, announce } = options;
  const layer = L.layerGroup().addTo(map);
  const draftLayer = L.layerGroup().addTo(map);
  /** @type {Map<string, ReturnType<typeof readZone>>} */
  const zones = new Map();
  /** The shape being drawn or edited: {id, kind, points, center, radiusM, editing}. */
  let draft = null;

  el.section.hidden = false;
  scope.add(() => {
    layer.remove();
    draftLayer.remove();
    map.getContainer().classList.remove('drawing');
    el.section.hidden = true;
    el.list.replaceChildren();
  });
  scope.listen(el.drawPolygon, 'click', () => start('polygon'));
  scope.listen(el.drawCircle, 'click', () => start('circle'));
  scope.listen(el.cancel, 'click', () => stop('Cancelled.'));
  scope.listen(el.save, 'click', () => save());
  map.on('click', onMapClick);
  scope.add(() => map.off('click', onMapClick));

  function say(text, isError = false) {
    el.message.textContent = text;
    el.message.classList.toggle('error', isError);
  }

  function start(kind, zone = null) {
    draft = zone === null
      ? { id: null, kind, points: [], center: null, radiusM: null }
      : { id: zone.id, kind: zone.shape.kind, points: zone.shape.kind === 'polygon' ? zone.shape.points.map((p) => [...p]) : [],
        center: zone.shape.kind === 'circle' ? [zone.shape.lat, zone.shape.lon] : null, radiusM: zone.shape.kind === 'circle' ? zone.shape.radiusM : null };
    if (zone !== null) el.name.value = zone.name;
    el.save.hidden = false;
    el.cancel.hidden = false;
    map.getContainer().classList.add('drawing');
    say(zone !== null ? 'Drag the handles to change the zone, then save.'
      : kind === 'polygon' ? 'Click the map at each corner of the zone, then save.' : 'Click the centre of the circle, then a point on its edge.');
    drawDraft();
    if (zone !== null) el.name.focus();
  }

  function stop(text) {
    draft = null;
    draftLayer.clearLayers();
    el.save.hidden = true;
    el.cancel.hidden = true;
    map.getContainer().classList.remove('drawing');
    if (text) say(text);
  }

  function onMapClick(ev) {
    if (draft === null) return;
    const { lat, lng } = ev.latlng;
    if (draft.kind === 'polygon') {
      if (draft.points.length >= MAX_VERTICES) {
        say(`A zone has at most ${MAX_VERTICES} corners.`, true);
        return;
      }
      draft.points.push([lat, lng]);
    } else if (draft.center === null || draft.radiusM !== null) {
      draft.center = [lat, lng];
      draft.radiusM = null;
    } else {
      draft.radiusM = distanceM(draft.center[0], draft.center[1], lat, lng);
    }
    drawDraft();
  }

  function handle(latlng, onMove) {
    const marker = L.marker(latlng, {
      draggable: true, keyboard: true, title: 'Drag to move', alt: 'Zone handle',
      icon: L.divIcon({ className: 'zone-handle', iconSize: [12, 12] }),
    });
    marker.on('drag', () => {
      const p = marker.getLatLng();
      onMove(p.lat, p.lng);
      drawShape();
    });
    return marker.addTo(draftLayer);
  }

  let shapeLayer = null;
  function drawShape() {
    if (shapeLayer !== null) shapeLayer.remove();
    shapeLayer = null;
    if (draft === null) return;
    if (draft.kind === 'polygon' && draft.points.length > 0) {
      shapeLayer = (draft.points.length >= 3 ? L.polygon(draft.points, DRAFT_STYLE) : L.polyline(draft.points, DRAFT_STYLE)).addTo(draftLayer);
    } else if (draft.kind === 'circle' && draft.center !== null && draft.radiusM !== null) {
      shapeLayer = L.circle(draft.center, { ...DRAFT_STYLE, radius: draft.radiusM }).addTo(draftLayer);
    }
  }

  function drawDraft() {
    draftLayer.clearLayers();
    shapeLayer = null;
    if (draft === null) return;
    drawShape();
    if (draft.kind === 'polygon') {
      draft.points.forEach((p, i) => handle(p, (lat, lon) => { draft.points[i] = [lat, lon]; }));
      if (draft.points.length > 0) say(`${draft.points.length} corner${draft.points.length === 1 ? '' : 's'}. Click to add more, then save.`);
    } else if (draft.center !== null) {
      handle(draft.center, (lat, lon) => { draft.center = [lat, lon]; });
      if (draft.radiusM !== null) {
        // The edge handle sits due east of the centre.
        const east = L.latLng(draft.center).toBounds(draft.radiusM * 2).getEast();
        handle([draft.center[0], east], (lat, lon) => { draft.radiusM = distanceM(draft.center[0], draft.center[1], lat, lon); });
        say(`Circle of ${Math.round(draft.radiusM)} m. Save it, or click again for a new centre.`);
      } else {
        say('Now click a point on the edge of the circle.');
      }
    }
  }

  async function save() {
    if (draft === null) return;
    const shape = draft.kind === 'polygon'
      ? { kind: 'polygon', points: draft.points }
      : { kind: 'circle', lat: draft.center?.[0], lon: draft.center?.[1], radiusM: draft.radiusM };
    const made = zoneBody({ name: el.name.value, shape, ...(draft.id !== null ? keep(zones.get(draft.id)) : {}) });
    if (!made.ok) {
      say(made.error, true);
      return;
    }
    const id = draft.id ?? newZoneId(made.body.name);
    el.save.disabled = true;
    const r = await api.putZone(id, made.body);
    el.save.disabled = false;
    if (!r.ok) {
      // The drawing stays, so it can be fixed and saved again.
      say(refusalText(r), true);
      announce(refusalText(r));
      return;
    }
    const zone = readZone(r.data);
    if (zone !== null) zones.set(zone.id, zone);
    stop(`Saved zone "${made.body.name}".`);
    announce(`Saved zone ${made.body.name}.`);
    el.name.value = '';
    render();
  }

  /** An edit keeps what the editor does not show (scope, rental, return zone). */
  function keep(zone) {
    return zone ? { scope: zone.scope, rentalId: zone.rentalId, returnZone: zone.returnZone } : {};
  }

  async function remove(zone, button) {
    button.disabled = true;
    const r = await api.deleteZone(zone.id);
    if (!r.ok && r.status !== 404) {
      button.disabled = false;
      say(`Could not delete "${zone.name}": ${r.problem.detail ?? r.problem.title}`, true);
      return;
    }
    zones.delete(zone.id);
    if (draft?.id === zone.id) stop();
    say(`Deleted zone "${zone.name}".`);
    announce(`Deleted zone ${zone.name}.`);
    render();
  }

  function render() {
    layer.clearLayers();
    const items = [];
    for (const zone of [...zones.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const s = zone.shape;
      const style = zone.scope === 'rental' ? { ...ZONE_STYLE, color: '#be185d' } : ZONE_STYLE;
      (s.kind === 'circle' ? L.circle([s.lat, s.lon], { ...style, radius: s.radiusM }) : L.polygon(s.points, style))
        .bindTooltip(zone.name).addTo(layer);
      const li = document.createElement('li');
      li.className = 'zone-item';
      li.setAttribute('data-testid', 'zone-item');
      li.dataset.zoneId = zone.id;
      const name = document.createElement('span');
      name.className = 'zone-name';
      name.textContent = `${zone.name} (${s.kind === 'circle' ? `circle, ${Math.round(s.radiusM)} m` : `${s.points.length} corners`}${zone.scope === 'rental' ? ', rental' : ''}${zone.returnZone ? ', return' : ''})`;
      const edit = document.createElement('button');
      edit.type = 'button';
      edit.className = 'small secondary';
      edit.textContent = 'Edit';
      edit.setAttribute('aria-label', `Edit zone ${zone.name}`);
      edit.addEventListener('click', () => {
        start(zone.shape.kind, zone);
        const b = zone.shape.kind === 'circle' ? L.circle([s.lat, s.lon], { radius: s.radiusM }) : L.polygon(s.points);
        b.addTo(draftLayer);
        map.fitBounds(b.getBounds(), { padding: [40, 40], maxZoom: 17, animate: false });
        b.remove();
      });
      const del = document.createElement('button');
      del.type = 'button';
      del.className = 'small danger';
      del.textContent = 'Delete';
      del.setAttribute('aria-label', `Delete zone ${zone.name}`);
      del.addEventListener('click', () => remove(zone, del));
      li.append(name, ' ', edit, ' ', del);
      items.push(li);
    }
    el.list.replaceChildren(...items);
  }

  return {
    /** Lists the zones from the API. */
    async load() {
      const r = await api.zones();
      if (!r.ok) {
        say(`Zones could not be loaded: ${r.problem.title}`, true);
        return;
      }
      zones.clear();
      for (const json of Array.isArray(r.data?.zones) ? r.data.zones : []) {
        const z = readZone(json);
        if (z !== null) zones.set(z.id, z);
      }
      render();
    },
    get count() {
      return zones.size;
    },
    get drawing() {
      return draft !== null;
    },
  };
}
