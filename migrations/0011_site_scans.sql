-- Site scans: a scan with scope 'site' crawls one origin. Each page it scans
-- is a scan of its own (scope 'page', parent_id = the site scan), so the page
-- path (claim, lease, retries, findings, resolution per URL) is unchanged.
ALTER TABLE scans ADD COLUMN scope TEXT NOT NULL DEFAULT 'page';
ALTER TABLE scans ADD COLUMN parent_id TEXT;
CREATE INDEX scans_parent ON scans(parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX scans_project_top ON scans(org_id, project_id, inserted_at DESC, id DESC) WHERE parent_id IS NULL;

-- One row per site scan: its crawl options and what discovery learnt.
CREATE TABLE site_scans (
  scan_id        TEXT PRIMARY KEY,
  org_id         TEXT NOT NULL,
  options        TEXT NOT NULL,              -- JSON: max_pages, max_depth, include, exclude
  max_pages      INTEGER NOT NULL,
  robots         TEXT,                       -- the robots.txt rules that apply to us (compact text)
  concurrency    INTEGER NOT NULL DEFAULT 2, -- page scans in flight at once
  delay_secs     INTEGER NOT NULL DEFAULT 0, -- politeness delay between a lane's pages
  discovered_at  INTEGER,                    -- set once robots and sitemaps were read
  overflow       INTEGER NOT NULL DEFAULT 0, -- distinct URLs found past the row cap (counted only)
  sitemap_urls   INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL
);
CREATE INDEX site_scans_org_recent ON site_scans(org_id, created_at);

-- The crawl frontier and its outcome: one row per distinct URL found.
CREATE TABLE site_pages (
  site_id     TEXT NOT NULL,
  url         TEXT NOT NULL,
  seq         INTEGER NOT NULL,              -- discovery order (breadth first within a depth)
  depth       INTEGER NOT NULL,              -- 0 start URL, 1 sitemap entries and its links, ...
  source      TEXT NOT NULL CHECK (source IN ('start','sitemap','link')),
  page_id     TEXT NOT NULL,                 -- the page scan's id, once queued
  state       TEXT NOT NULL CHECK (state IN ('pending','queued','scanned','failed','skipped','excluded','cancelled')),
  reason      TEXT,                          -- why skipped / excluded / failed
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (site_id, url)
);
CREATE INDEX site_pages_frontier ON site_pages(site_id, state, depth, seq);
CREATE INDEX site_pages_seq ON site_pages(site_id, seq);
CREATE INDEX site_pages_page ON site_pages(page_id);

-- Schedules may run site scans.
ALTER TABLE schedules ADD COLUMN scope TEXT NOT NULL DEFAULT 'page';
ALTER TABLE schedules ADD COLUMN crawl TEXT;  -- JSON crawl options of a site schedule
