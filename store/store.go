// Package store declares what heed keeps between runs, and the interface every storage backend
// implements: runs and their history, the requests sighted and the sightings themselves, the
// organisation's pages, the match or gap found for each request in each run, and a cache of sentence
// vectors by text and model version, so that a text is encoded once ever.
//
// Every backend passes the one conformance suite in store/storetest.
package store

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"time"

	"github.com/heed-dev/heed"
)

// Run statuses.
const (
	StatusRunning = "running" // started and not finished: a crash, or still going
	StatusOK      = "ok"      // every source worked
	StatusPartial = "partial" // finished, but some sources or items failed
	StatusFailed  = "failed"  // the job could not do its work
)

// Run is one execution of a job.
type Run struct {
	ID       int64
	Job      string
	Started  time.Time
	Finished time.Time // zero while running
	Status   string
	Stats    RunStats
}

// RunStats are a run's counts, kept so that reports can show trends.
type RunStats struct {
	Sightings   int `json:"sightings"`
	Requests    int `json:"requests"`
	New         int `json:"new"`
	Recurring   int `json:"recurring"`
	Disappeared int `json:"disappeared"`
	Pages       int `json:"pages"`
	// PagesSkipped are pages refused when read (a url that is not http(s), a bad export line).
	PagesSkipped int                    `json:"pages_skipped,omitempty"`
	Answered     int                    `json:"answered"`
	Gaps         int                    `json:"gaps"`
	GapsByKind   map[string]int         `json:"gaps_by_kind,omitempty"`
	ByIntent     map[string]Coverage    `json:"by_intent,omitempty"`
	BySource     map[string]Coverage    `json:"by_source,omitempty"`
	Sources      map[string]SourceStats `json:"sources,omitempty"`
	SiteError    string                 `json:"site_error,omitempty"`
	DurationSec  float64                `json:"duration_seconds"`
	// GapsByIntentKind counts open gaps by intent, then gap kind; GapDemand sums their demand by intent.
	GapsByIntentKind map[string]map[string]int `json:"gaps_by_intent_kind,omitempty"`
	GapDemand        map[string]float64        `json:"gap_demand,omitempty"`
	ServiceIssues    int                       `json:"service_issues"`
	Dismissed        int                       `json:"dismissed"`
	Topics           int                       `json:"topics"`
	Cannibalised     int                       `json:"cannibalised"`
	Replies          int                       `json:"replies"`
	// ByKind is the demand heard from each kind of source; Confirmed the requests heard from more than
	// one kind.
	ByKind    map[string]KindStats `json:"by_kind,omitempty"`
	Confirmed int                  `json:"confirmed,omitempty"`
	// GapShare is the share of gaps the gap decision estimated among the run's requests and adapted
	// to; 0 when the pages' own thresholds stood.
	GapShare        float64 `json:"gap_share,omitempty"`
	GapShareSampled int     `json:"gap_share_sampled,omitempty"`
	// ClosedGaps are the previous run's gaps a page answers now (a new page, or a pin);
	// CloseSeconds how long each had been heard when it closed (from first sighting to this run),
	// MaxCloseSeconds of them at most.
	// ServiceByKind counts the service issues by what failed, then by source.
	ServiceByKind map[string]map[string]int `json:"service_by_kind,omitempty"`
	ClosedGaps    int                       `json:"closed_gaps,omitempty"`
	CloseSeconds  []float64                 `json:"close_seconds,omitempty"`
	// TopTopics are the gap topics with most demand, at most ten, highest first.
	TopTopics []TopicStat `json:"top_topics,omitempty"`
}

// MaxCloseSeconds bounds the close times a run keeps.
const MaxCloseSeconds = 10000

// KindStats are one kind of source's requests in a run, answered and open gaps, and their demand.
type KindStats struct {
	Requests int     `json:"requests"`
	Answered int     `json:"answered"`
	Gaps     int     `json:"gaps"`
	Demand   float64 `json:"demand"`
}

// TopicStat is one gap topic's figures in a run.
type TopicStat struct {
	Key      string  `json:"key"`
	Label    string  `json:"label"`
	Requests int     `json:"requests"`
	Demand   float64 `json:"demand"`
}

// Coverage counts the requests of one group (an intent, a source) and how many are answered: the
// vocabulary's, kept in a run's stats.
type Coverage = heed.Coverage

// SourceStats is what one source did in a run.
type SourceStats struct {
	Kind      string `json:"kind"`
	Units     int    `json:"units"`
	OK        int    `json:"ok"`
	Failed    int    `json:"failed"`
	Sightings int    `json:"sightings"`
	LastError string `json:"last_error,omitempty"`
}

// Request is a stored request: its text, when it was seen, and what the classifier said of it.
type Request struct {
	heed.Request
	FirstRun  int64
	LastRun   int64
	RunsSeen  int // runs in which it was sighted
	FirstSeen time.Time
	LastSeen  time.Time
	// Class is the latest classification; nil before the request is classified.
	Class *heed.Classification
}

// Result is the match or gap found for one request in one run.
type Result struct {
	RunID int64
	Key   string
	heed.Match
}

// ErrLocked is returned when another process holds a job's lock.
var ErrLocked = errors.New("job is running in another process")

// Locker is a store that holds job locks itself: a store shared by workers on several machines, where a
// lock file on one machine would not stop another. Stores without it are locked by a file in the data
// directory (ops.AcquireLock).
type Locker interface {
	// LockJob takes job's lock without waiting, or fails with ErrLocked (wrapped, naming the holder). The
	// lock is held until release is called, or expires if its holder dies.
	LockJob(ctx context.Context, job string, now time.Time) (release func() error, err error)
}

// ErrNotFound is returned when a looked-up item does not exist.
var ErrNotFound = errors.New("not found")

// ErrBadVector is returned, wrapped, by PutVectors for a model or vector it refuses.
var ErrBadVector = errors.New("bad vector")

// CheckVector says why PutVectors must refuse v as a vector of model, whose vectors have dim floats (0
// before its first), or returns nil: the backends' one rule.
func CheckVector(model string, v []float32, dim int) error {
	switch {
	case model == "":
		return fmt.Errorf("%w: no model named", ErrBadVector)
	case len(v) == 0:
		return fmt.Errorf("%w: empty", ErrBadVector)
	case dim > 0 && len(v) != dim:
		return fmt.Errorf("%w: %d floats where the vectors of %s have %d", ErrBadVector, len(v), model, dim)
	}
	for i, f := range v {
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return fmt.Errorf("%w: float %d is %v", ErrBadVector, i, f)
		}
	}
	return nil
}

// Store is a storage backend. Every method is safe for concurrent use, and every write is atomic: a
// process killed at any moment leaves the store as it was before the write, or after it.
type Store interface {
	// BeginRun starts a run of job, or resumes the job's newest run when it never finished (the process
	// died): resumed is true then, and the run keeps its ID and what it stored.
	BeginRun(ctx context.Context, job string, now time.Time) (run Run, resumed bool, err error)
	// FinishRun records a run's end, status and stats.
	FinishRun(ctx context.Context, run Run) error
	// Runs returns the job's finished runs, newest first, at most limit (0: all).
	Runs(ctx context.Context, job string, limit int) ([]Run, error)

	// DoneUnits returns the keys of the crawl units a run has stored.
	DoneUnits(ctx context.Context, runID int64) (map[string]bool, error)
	// PutUnit stores one crawl unit's sightings and marks the unit done, atomically. Storing the same
	// unit again changes nothing.
	PutUnit(ctx context.Context, runID int64, unitKey string, sightings []heed.Sighting, now time.Time) error
	// RunRequests returns the requests sighted in a run, by key.
	RunRequests(ctx context.Context, runID int64) ([]Request, error)
	// RunSightings returns a run's sightings, grouped by request key.
	RunSightings(ctx context.Context, runID int64) (map[string][]heed.Sighting, error)
	// PutClasses stores the classification of requests, by key.
	PutClasses(ctx context.Context, classes map[string]heed.Classification) error

	// ReplacePages makes pages the organisation's current pages, atomically.
	ReplacePages(ctx context.Context, pages []heed.Page) error
	// Pages returns the current pages, in the order they were stored.
	Pages(ctx context.Context) ([]heed.Page, error)

	// PutResults stores a run's matches and gaps, replacing any it had. results yields them one at a
	// time, so that a run of a million requests need not copy them all into a list first.
	PutResults(ctx context.Context, runID int64, results iter.Seq[Result]) error
	// Results returns a run's matches and gaps, by request key.
	Results(ctx context.Context, runID int64) (map[string]Result, error)

	// PutOverride stores a content team's decision, replacing any for the same scope and key.
	PutOverride(ctx context.Context, o heed.Override) error
	// DeleteOverride removes the decision for a scope and key; removing one that does not exist is
	// not an error.
	DeleteOverride(ctx context.Context, scope heed.OverrideScope, key string) error
	// Overrides returns every stored decision, by scope then key.
	Overrides(ctx context.Context) ([]heed.Override, error)

	// Vectors returns the stored vectors of model for keys (a key is a text as the caller normalised
	// it); keys with none are absent from the map, and so is a stored vector that cannot be read (it is
	// skipped, logged and counted as every unreadable row is). Each slice returned is the caller's own.
	// keys may number hundreds of thousands: backends look them up in bounded batches.
	Vectors(ctx context.Context, model string, keys []string) (map[string][]float32, error)
	// PutVectors stores vectors of model by key, replacing any. vecs yields them one at a time
	// (maps.All(m) passes a map), so that a caller holding half a million vectors in one flat slice need
	// not build a map of them first; a key yielded twice keeps its last vector. The slices are not kept:
	// the caller may yield every vector in the same one.
	//
	// Every vector of a model has one length, fixed by the first vector ever stored for it (dropped or
	// not), and only finite values: an empty model name, an empty vector, NaN or infinity, or a vector of
	// another length fails the call with ErrBadVector (CheckVector is the rule).
	//
	// Each vector is stored whole or not at all, in bounded batches, as PutClasses does: a call that
	// fails or is interrupted may leave some of its vectors stored, each of them whole, which loses a
	// cache nothing but the work of the rest.
	PutVectors(ctx context.Context, model string, vecs iter.Seq2[string, []float32]) error
	// DropVectors forgets the vectors of every model but keep (of every model when keep is ""), so that
	// an upgraded encoder does not leave its predecessor's vectors in the store for ever. It deletes in
	// bounded batches; interrupted, it has forgotten some of them, and a second call forgets the rest.
	DropVectors(ctx context.Context, keep string) error

	// Ping checks that the store is reachable and writable.
	Ping(ctx context.Context) error
	Close() error
}
