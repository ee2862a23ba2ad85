package elastic

import (
	"context"
	"fmt"
	"strconv"

	"github.com/elastic/go-elasticsearch/v8/typedapi/types"
)

// The kinds of document, one index each.
const (
	kindRuns      = "runs"
	kindUnits     = "units"
	kindSightings = "sightings"
	kindRequests  = "requests"
	kindResults   = "results"
	kindPages     = "pages"
	kindOverrides = "overrides"
	kindMeta      = "meta"
	kindLocks     = "locks"
	kindVectors   = "vectors"
)

// kinds lists them with their mapping's version: bump a version when its mapping changes, and Open
// moves the data into a new index.
var kinds = []struct {
	name    string
	version int
}{
	{kindRuns, 1}, {kindUnits, 1}, {kindSightings, 1}, {kindRequests, 1}, {kindResults, 1}, {kindPages, 1},
	{kindOverrides, 1}, {kindMeta, 1}, {kindLocks, 1}, {kindVectors, 1},
}

// alias is the name heed reads and writes a kind through.
func (s *Store) alias(kind string) string { return s.prefix + "-" + kind }

// indexName is the versioned index behind the alias.
func (s *Store) indexName(kind string, version int) string {
	return s.alias(kind) + "-v" + strconv.Itoa(version)
}

// analyzers maps heed's languages to Elasticsearch's built-in language analysers.
var analyzers = map[string]string{"en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
	"nl": "dutch", "pt": "portuguese"}

func disabled() map[string]any { return map[string]any{"type": "object", "enabled": false} }
func kw() map[string]any       { return map[string]any{"type": "keyword"} }
func long() map[string]any     { return map[string]any{"type": "long"} }
func date() map[string]any     { return map[string]any{"type": "date"} }

// mapping returns a kind's mapping. Fields heed never searches are kept in _source only.
func (s *Store) mapping(kind string) map[string]any {
	an := analyzers[s.lang]
	if an == "" {
		an = "standard"
	}
	text := map[string]any{"type": "text", "analyzer": an}
	var props map[string]any
	switch kind {
	case kindRuns:
		props = map[string]any{"id": long(), "job": kw(), "started": date(), "finished": date(), "status": kw(), "stats": disabled()}
	case kindUnits:
		props = map[string]any{"run_id": long(), "unit": kw(), "stored": date(), "sightings": map[string]any{"type": "integer"}}
	case kindSightings:
		props = map[string]any{"run_id": long(), "unit": kw(), "key": kw(), "data": disabled()}
	case kindRequests:
		props = map[string]any{"key": kw(), "text": text, "first_run": long(), "last_run": long(), "runs_seen": map[string]any{"type": "integer"},
			"first_seen": date(), "last_seen": date(), "class": disabled()}
	case kindResults:
		props = map[string]any{"run_id": long(), "key": kw(), "gap": map[string]any{"type": "boolean"}, "gap_kind": kw(), "url": kw(), "match": disabled()}
	case kindPages:
		// The same signals as the embedded index: title, headings, description, body, FAQ questions and
		// declared queries, analysed for the pages' language; the page itself in _source.
		props = map[string]any{"gen": long(), "ord": map[string]any{"type": "integer"}, "url": kw(), "type": kw(),
			"title": text, "headings": text, "description": text, "body": text, "questions": text, "queries": text, "page": disabled()}
	case kindOverrides:
		props = map[string]any{"scope": kw(), "key": kw(), "override": disabled()}
	case kindMeta:
		props = map[string]any{"value": long()}
	case kindLocks:
		props = map[string]any{"job": kw(), "holder": kw(), "acquired": date(), "expires": date()}
	case kindVectors:
		// A field vector_N, a dense_vector of N dims, is added for each length N met (vectors.go).
		props = map[string]any{"model": kw()}
	}
	return map[string]any{"dynamic": false, "properties": props}
}

// setup creates or migrates every kind's template, index and alias. Several workers may run it at once:
// every step tolerates another having done it first.
func (s *Store) setup(ctx context.Context) error {
	for _, k := range kinds {
		if err := s.ensure(ctx, k.name, k.version); err != nil {
			return fmt.Errorf("elasticsearch index %s: %w", s.alias(k.name), err)
		}
	}
	return nil
}

func (s *Store) ensure(ctx context.Context, kind string, version int) error {
	target := s.indexName(kind, version)
	_, err := s.es.Indices.PutIndexTemplate(s.alias(kind)).Raw(jsonReader(map[string]any{
		"index_patterns": []string{s.alias(kind) + "-v*"},
		"priority":       200,
		"version":        version,
		"_meta":          map[string]any{"managed_by": "heed", "schema": version},
		"template": map[string]any{
			"settings": map[string]any{"number_of_shards": 1, "refresh_interval": "1s"},
			"mappings": s.mapping(kind),
		},
	})).Do(ctx)
	if err != nil {
		return fmt.Errorf("index template: %w", err)
	}
	exists, err := s.es.Indices.Exists(target).IsSuccess(ctx)
	if err != nil {
		return err
	}
	if !exists {
		if _, err := s.es.Indices.Create(target).Do(ctx); err != nil && !isErrorType(err, "resource_already_exists_exception") {
			return fmt.Errorf("create %s: %w", target, err)
		}
	}
	aliased, err := s.es.Indices.GetAlias().Name(s.alias(kind)).Do(ctx)
	if err != nil && !isStatus(err, 404) {
		return fmt.Errorf("read alias: %w", err)
	}
	var current []string
	for index := range aliased {
		current = append(current, index)
	}
	if len(current) == 1 && current[0] == target {
		return nil
	}
	// Move older versions' documents into the new index, then point the alias at it, atomically.
	actions := []any{}
	for _, old := range current {
		if old == target {
			continue
		}
		if _, err := s.es.Reindex().WaitForCompletion(true).Refresh(true).Raw(jsonReader(map[string]any{
			"source": map[string]any{"index": old}, "dest": map[string]any{"index": target, "op_type": "create"}, "conflicts": "proceed",
		})).Do(ctx); err != nil {
			return fmt.Errorf("reindex %s into %s: %w", old, target, err)
		}
		actions = append(actions, map[string]any{"remove": map[string]any{"index": old, "alias": s.alias(kind)}})
	}
	actions = append(actions, map[string]any{"add": map[string]any{"index": target, "alias": s.alias(kind), "is_write_index": true}})
	if _, err := s.es.Indices.UpdateAliases().Raw(jsonReader(map[string]any{"actions": actions})).Do(ctx); err != nil {
		return fmt.Errorf("point alias at %s: %w", target, err)
	}
	return nil
}

// isErrorType reports whether err is an Elasticsearch error of the given type.
func isErrorType(err error, typ string) bool {
	ee, ok := err.(*types.ElasticsearchError)
	return ok && ee.ErrorCause.Type == typ
}
