//! The directory's search, answered from memory.
//!
//! A [`SearchIndex`] holds the search columns of every active service (the same columns the
//! database keeps beside each document: filters, taxonomy terms, word stems and the
//! coordinates of each service at a location) and answers a [`SearchQuery`] with the page of
//! service ids it asks for, in the same order as the database's search: by name, or by the
//! same approximate distance when a point is given. It is kept up to date one service at a
//! time, so a change is searchable at once without reloading the directory.
//!
//! Keeping it here, with no I/O, lets the rules of search be tested in isolation; the
//! application keeps one per instance and catches it up with the database before each search.

use super::relevance::{KeywordMatch, TextIndex};
use super::search::{Point, SearchQuery};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Degrees of latitude per metre, for turning a radius into the units distances are compared
/// in (the database's search uses the same constant).
pub const DEGREES_PER_METRE: f64 = 1.0 / 111_195.0;

/// What a search returns one row per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchUnit {
    /// One row per service (the public search and ORUK `/services`).
    Service,
    /// One row per service at a location (ORUK `/service_at_locations`).
    ServiceAtLocation,
}

/// The search columns of one active service.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedService {
    /// The service's id.
    pub id: String,
    /// Its organisation's id.
    pub organization_id: String,
    /// Its name, lower-cased, for ordering.
    pub name_key: String,
    /// In the SEND Local Offer.
    pub local_offer: bool,
    /// Costs nothing.
    pub free: bool,
    /// Youngest age served (0 when open).
    pub minimum_age: i64,
    /// Oldest age served (255 when open).
    pub maximum_age: i64,
    /// Days it runs, Monday = bit 0.
    pub day_mask: i64,
    /// Earliest opening time, "HH:MM".
    pub opens_at: String,
    /// Latest closing time, "HH:MM".
    pub closes_at: String,
    /// When it last changed.
    pub last_modified: DateTime<Utc>,
    /// Its taxonomy term ids.
    pub terms: Vec<String>,
    /// The stems of its text, each with its weighted count
    /// ([`super::relevance::weighted_words`]).
    pub words: Vec<(String, u32)>,
    /// Each service at a location: its id and coordinates.
    pub locations: Vec<(String, Point)>,
}

/// One row of a page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRow {
    /// The service.
    pub service_id: String,
    /// The service at a location the row is for (searching by location).
    pub service_at_location_id: Option<String>,
}

/// A page of results: how many match in all, and this page's rows in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IndexPage {
    /// How many rows match in all.
    pub total: u64,
    /// This page.
    pub rows: Vec<IndexRow>,
    /// Words that matched nothing, each with the word searched instead.
    pub corrections: Vec<(String, String)>,
    /// When nothing matched: a search with a word spelt differently that finds something.
    pub suggestion: Option<String>,
}

/// One service at a location, by slot.
#[derive(Debug, Clone)]
struct Place {
    latitude: f64,
    longitude: f64,
    slot: u32,
    id: String,
}

/// A set of slots.
#[derive(Debug, Clone)]
struct SlotSet(Vec<u64>);

impl SlotSet {
    fn empty(slots: usize) -> SlotSet {
        SlotSet(vec![0; slots.div_ceil(64)])
    }
    fn insert(&mut self, slot: u32) {
        self.0[slot as usize / 64] |= 1 << (slot % 64);
    }
    fn contains(&self, slot: u32) -> bool {
        self.0
            .get(slot as usize / 64)
            .is_some_and(|w| w & (1 << (slot % 64)) != 0)
    }
    fn intersect(&mut self, other: &SlotSet) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a &= b;
        }
    }
}

/// What the filters test of one slot.
#[derive(Debug, Clone, Copy, Default)]
struct Filters {
    live: bool,
    local_offer: bool,
    free: bool,
    minimum_age: i64,
    maximum_age: i64,
    day_mask: i64,
    opens_at: u64,
    closes_at: u64,
    organization: u32,
    last_modified: DateTime<Utc>,
}

/// A clock time ("HH:MM", or "24:00") as a number in the same order as the text: its bytes,
/// big-endian, so any two texts of up to 8 bytes compare as they would as text.
fn clock_key(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (to, from) in bytes.iter_mut().zip(text.bytes()) {
        *to = from;
    }
    u64::from_be_bytes(bytes)
}

/// Active services' search columns, with the lookups a search needs.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Services by slot; a removed service leaves its slot free for the next.
    slots: Vec<Option<IndexedService>>,
    /// What the filters test of each slot, packed side by side: a search tests every slot,
    /// and these are 64 bytes a slot against a service's record's 232 (with its strings
    /// elsewhere), so a search of 50,000 services reads 3 MB rather than 12 and more.
    filters: Vec<Filters>,
    /// Organisation ids by the number [`Filters`] holds.
    organizations: HashMap<String, u32>,
    free: Vec<u32>,
    by_id: HashMap<String, u32>,
    /// Slots in name order (name key, then id): the order of a search without a point.
    by_name: Vec<u32>,
    /// Stems → slots having them, with their weighted counts.
    text: TextIndex,
    /// Term id → slots having it.
    terms: HashMap<String, Vec<u32>>,
    /// Term id → its taxonomy's id.
    term_taxonomy: HashMap<String, String>,
    /// Every service at a location.
    places: Vec<Place>,
}

impl SearchIndex {
    /// An index of `services`, whose terms belong to taxonomies as `term_taxonomy` says
    /// (term id, taxonomy id).
    pub fn new(
        term_taxonomy: impl IntoIterator<Item = (String, String)>,
        services: impl IntoIterator<Item = IndexedService>,
    ) -> SearchIndex {
        let mut index = SearchIndex {
            term_taxonomy: term_taxonomy.into_iter().collect(),
            ..SearchIndex::default()
        };
        for service in services {
            // A later service with the same id replaces the earlier.
            if let Some(&slot) = index.by_id.get(&service.id) {
                index.unlink(slot, false);
            }
            index.link(service, false);
        }
        // The words all at once: gathered by hash, then put in order in one pass, which at
        // 50,000 services is several times quicker than a service at a time into the ordered map.
        index.text = TextIndex::build(
            index
                .slots
                .iter()
                .enumerate()
                .filter_map(|(slot, s)| s.as_ref().map(|s| (slot as u32, s.words.as_slice()))),
        );
        let SearchIndex { slots, by_name, .. } = &mut index;
        by_name.clear();
        by_name.extend(
            slots
                .iter()
                .enumerate()
                .filter(|(_, s)| s.is_some())
                .map(|(i, _)| i as u32),
        );
        by_name.sort_unstable_by(|a, b| name_order(slots, *a, *b));
        index
    }

    /// How many services it holds.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Records that a term belongs to a taxonomy.
    pub fn set_term_taxonomy(&mut self, term_id: String, taxonomy_id: String) {
        self.term_taxonomy.insert(term_id, taxonomy_id);
    }

    /// Adds a service, or replaces the one with its id.
    pub fn upsert(&mut self, service: IndexedService) {
        self.remove(&service.id);
        let slot = self.link(service, true);
        let at = self
            .by_name
            .binary_search_by(|other| name_order(&self.slots, *other, slot))
            .unwrap_or_else(|at| at);
        self.by_name.insert(at, slot);
    }

    /// Removes a service (one that stopped running, say); unknown ids are ignored.
    pub fn remove(&mut self, id: &str) {
        if let Some(&slot) = self.by_id.get(id) {
            if let Ok(at) = self
                .by_name
                .binary_search_by(|other| name_order(&self.slots, *other, slot))
            {
                self.by_name.remove(at);
            }
            self.unlink(slot, true);
        }
    }

    /// Puts a service in a slot and in every lookup but the name order, and the words'
    /// lookup too when `with_text` (loading builds that once for all).
    fn link(&mut self, mut service: IndexedService, with_text: bool) -> u32 {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(None);
                (self.slots.len() - 1) as u32
            }
        };
        self.by_id.insert(service.id.clone(), slot);
        let next = self.organizations.len() as u32;
        let organization = *self
            .organizations
            .entry(service.organization_id.clone())
            .or_insert(next);
        if self.filters.len() <= slot as usize {
            self.filters.resize(slot as usize + 1, Filters::default());
        }
        self.filters[slot as usize] = Filters {
            live: true,
            local_offer: service.local_offer,
            free: service.free,
            minimum_age: service.minimum_age,
            maximum_age: service.maximum_age,
            day_mask: service.day_mask,
            opens_at: clock_key(&service.opens_at),
            closes_at: clock_key(&service.closes_at),
            organization,
            last_modified: service.last_modified,
        };
        service.words.sort_unstable();
        service.words.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
        if with_text {
            self.text.link(slot, &service.words);
        }
        let mut terms = service.terms.clone();
        terms.sort_unstable();
        terms.dedup();
        for term in terms {
            self.terms.entry(term).or_default().push(slot);
        }
        for (id, point) in &service.locations {
            self.places.push(Place {
                latitude: point.latitude,
                longitude: point.longitude,
                slot,
                id: id.clone(),
            });
        }
        self.slots[slot as usize] = Some(service);
        slot
    }

    /// Takes a service out of its slot and every lookup but the name order, and out of the
    /// words' lookup too when `with_text` (as [`SearchIndex::link`] put it there).
    fn unlink(&mut self, slot: u32, with_text: bool) {
        let Some(service) = self.slots[slot as usize].take() else {
            return;
        };
        self.filters[slot as usize] = Filters::default();
        self.by_id.remove(&service.id);
        if with_text {
            self.text.unlink(slot, &service.words);
        }
        for term in &service.terms {
            if let Some(list) = self.terms.get_mut(term) {
                list.retain(|s| *s != slot);
                if list.is_empty() {
                    self.terms.remove(term);
                }
            }
        }
        if !service.locations.is_empty() {
            self.places.retain(|p| p.slot != slot);
        }
        self.free.push(slot);
    }

    /// The slots having any of `lists`' entries.
    fn union<'a>(&self, lists: impl Iterator<Item = &'a Vec<u32>>) -> SlotSet {
        let mut set = SlotSet::empty(self.slots.len());
        for list in lists {
            for slot in list {
                set.insert(*slot);
            }
        }
        set
    }

    /// The slots the keyword, term and taxonomy filters allow; `None` when there are none.
    fn candidates(&self, query: &SearchQuery, keywords: Option<&KeywordMatch>) -> Option<SlotSet> {
        let mut sets = Vec::new();
        if let Some(keywords) = keywords {
            let mut set = SlotSet::empty(self.slots.len());
            for (slot, score) in keywords.scores.iter().enumerate() {
                if *score > 0.0 {
                    set.insert(slot as u32);
                }
            }
            sets.push(set);
        }
        for group in query.term_groups.iter().filter(|g| !g.is_empty()) {
            sets.push(self.union(group.iter().filter_map(|t| self.terms.get(t))));
        }
        if let Some(taxonomy) = &query.taxonomy_id {
            sets.push(
                self.union(
                    self.terms
                        .iter()
                        .filter(|(term, _)| self.term_taxonomy.get(*term) == Some(taxonomy))
                        .map(|(_, list)| list),
                ),
            );
        }
        let mut sets = sets.into_iter();
        let mut all = sets.next()?;
        for set in sets {
            all.intersect(&set);
        }
        Some(all)
    }

    /// Answers a search: with `near`, nearest first (within `query.within_metres` when set;
    /// otherwise services without a place come last); else with keywords, most relevant
    /// first; else by name. A keyword search that finds nothing offers a search that would.
    pub fn search(&self, query: &SearchQuery, near: Option<Point>, unit: SearchUnit) -> IndexPage {
        if query.stop_words_only {
            return IndexPage::default();
        }
        let mut page = self.search_once(query, near, unit);
        if page.total == 0 && !query.words.is_empty() {
            for variant in self.text.alternatives(&query.words) {
                let mut other = query.clone();
                other.words = variant;
                if self.search_once(&other, near, unit).total > 0 {
                    page.suggestion = Some(other.words.join(" "));
                    break;
                }
            }
        }
        page
    }

    /// How many distinct stems the keyword index holds.
    pub fn vocabulary(&self) -> usize {
        self.text.vocabulary()
    }

    fn search_once(&self, query: &SearchQuery, near: Option<Point>, unit: SearchUnit) -> IndexPage {
        let keywords =
            (!query.words.is_empty()).then(|| self.text.search(&query.words, self.slots.len()));
        let corrections = keywords
            .as_ref()
            .map(|k| k.corrections.clone())
            .unwrap_or_default();
        let mut page = self.search_rows(query, near, unit, keywords.as_ref());
        page.corrections = corrections;
        page
    }

    fn search_rows(
        &self,
        query: &SearchQuery,
        near: Option<Point>,
        unit: SearchUnit,
        keywords: Option<&KeywordMatch>,
    ) -> IndexPage {
        let candidates = self.candidates(query, keywords);
        let start_time = query
            .start_time
            .map(|t| clock_key(&t.format("%H:%M").to_string()));
        let end_time = query
            .end_time
            .map(|t| clock_key(&t.format("%H:%M").to_string()));
        let mask = query.day_mask();
        // An organisation the index has never held matches nothing (`u32::MAX` is no slot's).
        let organization = query
            .organization_id
            .as_ref()
            .map(|o| self.organizations.get(o).copied().unwrap_or(u32::MAX));
        let passes = |slot: u32| -> bool {
            let Some(s) = self.filters.get(slot as usize).filter(|s| s.live) else {
                return false;
            };
            candidates.as_ref().is_none_or(|c| c.contains(slot))
                && (!query.local_offer_only || s.local_offer)
                && (!query.free_only || s.free)
                && query
                    .age
                    .is_none_or(|a| s.minimum_age <= i64::from(a) && s.maximum_age >= i64::from(a))
                && query
                    .minimum_age
                    .is_none_or(|a| s.minimum_age >= i64::from(a))
                && query
                    .maximum_age
                    .is_none_or(|a| s.maximum_age <= i64::from(a))
                && (mask == 0 || s.day_mask & mask != 0)
                && start_time.is_none_or(|t| s.opens_at >= t)
                && end_time.is_none_or(|t| s.closes_at <= t)
                && organization.is_none_or(|o| s.organization == o)
                && query.modified_after.is_none_or(|m| s.last_modified >= m)
        };
        let offset = query.offset() as usize;
        let limit = query.per_page.max(1) as usize;
        let service = |slot: u32| self.slots[slot as usize].as_ref().expect("a live slot");
        if let (None, Some(keywords)) = (near, keywords) {
            return self.ranked(keywords, &passes, unit, offset, limit);
        }
        match near {
            None => match unit {
                SearchUnit::Service => {
                    let mut total = 0usize;
                    let mut rows = Vec::new();
                    for &slot in &self.by_name {
                        if passes(slot) {
                            if total >= offset && rows.len() < limit {
                                rows.push(IndexRow {
                                    service_id: service(slot).id.clone(),
                                    service_at_location_id: None,
                                });
                            }
                            total += 1;
                        }
                    }
                    IndexPage {
                        total: total as u64,
                        rows,
                        ..IndexPage::default()
                    }
                }
                SearchUnit::ServiceAtLocation => {
                    // By name, then by the place's id across services of the same name.
                    let mut total = 0usize;
                    let mut rows = Vec::new();
                    let mut at = 0;
                    while at < self.by_name.len() {
                        let key = &service(self.by_name[at]).name_key;
                        let mut group: Vec<(&str, u32)> = Vec::new();
                        while at < self.by_name.len() && service(self.by_name[at]).name_key == *key
                        {
                            let slot = self.by_name[at];
                            if passes(slot) {
                                group.extend(
                                    service(slot)
                                        .locations
                                        .iter()
                                        .map(|(id, _)| (id.as_str(), slot)),
                                );
                            }
                            at += 1;
                        }
                        group.sort_unstable();
                        for (id, slot) in group {
                            if total >= offset && rows.len() < limit {
                                rows.push(IndexRow {
                                    service_id: service(slot).id.clone(),
                                    service_at_location_id: Some(id.to_string()),
                                });
                            }
                            total += 1;
                        }
                    }
                    IndexPage {
                        total: total as u64,
                        rows,
                        ..IndexPage::default()
                    }
                }
            },
            Some(point) => {
                let k = point.longitude_scale();
                let distance = |p: &Place| {
                    (p.latitude - point.latitude) * (p.latitude - point.latitude)
                        + (p.longitude - point.longitude) * k * (p.longitude - point.longitude) * k
                };
                let radius = query.within_metres.map(|metres| {
                    let r = f64::from(metres) * DEGREES_PER_METRE;
                    (point.bounding_box(f64::from(metres)), r * r)
                });
                let inside = |p: &Place, d: f64| match &radius {
                    None => true,
                    Some((bx, r2)) => {
                        p.latitude >= bx.min_latitude
                            && p.latitude <= bx.max_latitude
                            && p.longitude >= bx.min_longitude
                            && p.longitude <= bx.max_longitude
                            && d <= *r2
                    }
                };
                match unit {
                    SearchUnit::Service => {
                        let mut nearest = vec![f64::INFINITY; self.slots.len()];
                        let mut passed = Memo::new(self.slots.len());
                        for p in &self.places {
                            let d = distance(p);
                            if inside(p, d)
                                && d < nearest[p.slot as usize]
                                && passed.get(p.slot, &passes)
                            {
                                nearest[p.slot as usize] = d;
                            }
                        }
                        let mut found: Vec<(Option<f64>, u32)> = Vec::new();
                        if radius.is_some() {
                            found.extend(
                                nearest
                                    .iter()
                                    .enumerate()
                                    .filter(|(_, d)| d.is_finite())
                                    .map(|(slot, d)| (Some(*d), slot as u32)),
                            );
                        } else {
                            for (slot, entry) in self.slots.iter().enumerate() {
                                if entry.is_some() && passes(slot as u32) {
                                    let d = nearest[slot];
                                    found.push((d.is_finite().then_some(d), slot as u32));
                                }
                            }
                        }
                        let order = |a: &(Option<f64>, u32), b: &(Option<f64>, u32)| {
                            match (a.0, b.0) {
                                (Some(x), Some(y)) => x.total_cmp(&y),
                                (Some(_), None) => Ordering::Less,
                                (None, Some(_)) => Ordering::Greater,
                                (None, None) => Ordering::Equal,
                            }
                            .then_with(|| name_order(&self.slots, a.1, b.1))
                        };
                        let rows = page_of(&mut found, offset, limit, order)
                            .iter()
                            .map(|(_, slot)| IndexRow {
                                service_id: service(*slot).id.clone(),
                                service_at_location_id: None,
                            })
                            .collect();
                        IndexPage {
                            total: found.len() as u64,
                            rows,
                            ..IndexPage::default()
                        }
                    }
                    SearchUnit::ServiceAtLocation => {
                        let mut passed = Memo::new(self.slots.len());
                        let mut found: Vec<(f64, &Place)> = Vec::new();
                        for p in &self.places {
                            let d = distance(p);
                            if inside(p, d) && passed.get(p.slot, &passes) {
                                found.push((d, p));
                            }
                        }
                        let order = |a: &(f64, &Place), b: &(f64, &Place)| {
                            a.0.total_cmp(&b.0)
                                .then_with(|| {
                                    service(a.1.slot).name_key.cmp(&service(b.1.slot).name_key)
                                })
                                .then_with(|| a.1.id.cmp(&b.1.id))
                        };
                        let rows = page_of(&mut found, offset, limit, order)
                            .iter()
                            .map(|(_, p)| IndexRow {
                                service_id: service(p.slot).id.clone(),
                                service_at_location_id: Some(p.id.clone()),
                            })
                            .collect();
                        IndexPage {
                            total: found.len() as u64,
                            rows,
                            ..IndexPage::default()
                        }
                    }
                }
            }
        }
    }
}

impl SearchIndex {
    /// A keyword search without a point: the highest score first, then by name (and by the
    /// place's id, one row per service at a location).
    fn ranked(
        &self,
        keywords: &KeywordMatch,
        passes: &impl Fn(u32) -> bool,
        unit: SearchUnit,
        offset: usize,
        limit: usize,
    ) -> IndexPage {
        let service = |slot: u32| self.slots[slot as usize].as_ref().expect("a live slot");
        let mut found: Vec<(f32, u32, Option<&str>)> = Vec::new();
        for (slot, score) in keywords.scores.iter().enumerate() {
            let slot = slot as u32;
            if *score > 0.0 && passes(slot) {
                match unit {
                    SearchUnit::Service => found.push((*score, slot, None)),
                    SearchUnit::ServiceAtLocation => found.extend(
                        service(slot)
                            .locations
                            .iter()
                            .map(|(id, _)| (*score, slot, Some(id.as_str()))),
                    ),
                }
            }
        }
        let order = |a: &(f32, u32, Option<&str>), b: &(f32, u32, Option<&str>)| {
            b.0.total_cmp(&a.0)
                .then_with(|| name_order(&self.slots, a.1, b.1))
                .then_with(|| a.2.cmp(&b.2))
        };
        let rows = page_of(&mut found, offset, limit, order)
            .iter()
            .map(|(_, slot, place)| IndexRow {
                service_id: service(*slot).id.clone(),
                service_at_location_id: place.map(str::to_string),
            })
            .collect();
        IndexPage {
            total: found.len() as u64,
            rows,
            ..IndexPage::default()
        }
    }
}

/// Remembers whether each slot passed the filters, so a service with many places is tested
/// once.
struct Memo(Vec<u8>);

impl Memo {
    fn new(slots: usize) -> Memo {
        Memo(vec![0; slots])
    }
    fn get(&mut self, slot: u32, passes: &impl Fn(u32) -> bool) -> bool {
        let cell = &mut self.0[slot as usize];
        if *cell == 0 {
            *cell = if passes(slot) { 1 } else { 2 };
        }
        *cell == 1
    }
}

/// The order of two slots by name key, then id.
fn name_order(slots: &[Option<IndexedService>], a: u32, b: u32) -> Ordering {
    match (&slots[a as usize], &slots[b as usize]) {
        (Some(x), Some(y)) => x.name_key.cmp(&y.name_key).then_with(|| x.id.cmp(&y.id)),
        _ => a.cmp(&b),
    }
}

/// The rows `offset..offset + limit` of `items` in `order`, sorting only as far as needed.
fn page_of<T>(
    items: &mut [T],
    offset: usize,
    limit: usize,
    order: impl Fn(&T, &T) -> Ordering,
) -> &[T] {
    let end = offset.saturating_add(limit).min(items.len());
    if offset >= end {
        return &[];
    }
    if end < items.len() {
        items.select_nth_unstable_by(end - 1, &order);
    }
    let head = &mut items[..end];
    head.sort_unstable_by(&order);
    &head[offset..end]
}

#[cfg(test)]
mod tests;
