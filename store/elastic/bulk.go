package elastic

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esutil"
)

// bulkOp is one operation of a bulk request.
type bulkOp struct {
	action string // index, create, update, delete
	index  string
	id     string
	body   any
	// ignoreMissing: an update of a document that does not exist (404) is no error.
	ignoreMissing bool
}

// bulkRounds bounds how often the operations a full cluster refused (429 on the item) are sent again.
const bulkRounds = 5

// bulk runs ops through the client's BulkIndexer. Items the cluster refused for load (429) are sent again
// after a backoff; a create that finds its document already there (409) is what an idempotent rewrite
// expects and is not an error; any other failed item fails the call, naming the first.
func (s *Store) bulk(ctx context.Context, ops []bulkOp) error {
	for round := 1; len(ops) > 0; round++ {
		var mu sync.Mutex
		var retry []bulkOp
		var failed int
		var first string
		bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{Client: s.es, NumWorkers: 1, FlushBytes: 4 << 20})
		if err != nil {
			return err
		}
		for _, op := range ops {
			item := esutil.BulkIndexerItem{Action: op.action, Index: op.index, DocumentID: op.id, Body: jsonReader(op.body),
				OnFailure: func(_ context.Context, _ esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil && op.action == "create" && res.Status == http.StatusConflict:
					case err == nil && op.ignoreMissing && res.Status == http.StatusNotFound:
					case err == nil && res.Status == http.StatusTooManyRequests:
						retry = append(retry, op)
					default:
						failed++
						if first == "" {
							if err != nil {
								first = err.Error()
							} else {
								first = fmt.Sprintf("%s %s/%s: %d %s: %s", op.action, op.index, op.id, res.Status, res.Error.Type, res.Error.Reason)
							}
						}
					}
				}}
			if op.action == "update" {
				n := 10 // concurrent units of a run update the same requests
				item.RetryOnConflict = &n
			}
			if err := bi.Add(ctx, item); err != nil {
				return err
			}
		}
		if err := bi.Close(ctx); err != nil {
			return err
		}
		if failed > 0 {
			return fmt.Errorf("bulk: %d of %d operations failed; the first: %s", failed, len(ops), first)
		}
		if len(retry) > 0 && round == bulkRounds {
			return fmt.Errorf("bulk: %d operations still refused for load (429) after %d rounds", len(retry), round)
		}
		if len(retry) > 0 {
			select {
			case <-time.After(time.Duration(round) * 200 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		ops = retry
	}
	return nil
}
