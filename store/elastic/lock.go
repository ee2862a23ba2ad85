package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/optype"
	"github.com/elastic/go-elasticsearch/v8/typedapi/types/enums/refresh"

	"github.com/heed-dev/heed/store"
)

// LockTTL is how long a job lock outlives its holder's last renewal: a worker that dies releases it by
// then. The holder renews it every LockTTL/3.
var LockTTL = 2 * time.Minute

type lockDoc struct {
	Job      string    `json:"job"`
	Holder   string    `json:"holder"`
	Acquired time.Time `json:"acquired"`
	Expires  time.Time `json:"expires"`
}

func holderName() string {
	host, _ := os.Hostname()
	return host + ":" + strconv.Itoa(os.Getpid())
}

// LockJob takes job's lock in the cluster, so that two workers never run the same job: a document
// created only if absent, taken over only when its holder let it expire (conditionally on the version
// read, so two workers cannot both take it over), renewed while held.
func (s *Store) LockJob(ctx context.Context, job string, now time.Time) (func() error, error) {
	me := lockDoc{Job: job, Holder: holderName(), Acquired: now.UTC(), Expires: now.UTC().Add(LockTTL)}
	res, err := s.es.Index(s.alias(kindLocks)).Id(job).OpType(optype.Create).Refresh(refresh.True).Raw(jsonReader(me)).Do(ctx)
	var seq, term int64
	switch {
	case err == nil:
		seq, term = *res.SeqNo_, *res.PrimaryTerm_
	case isStatus(err, http.StatusConflict):
		got, gerr := s.es.Get(s.alias(kindLocks), job).Do(ctx)
		if gerr != nil {
			return nil, fmt.Errorf("lock job %s: %w", job, gerr)
		}
		var held lockDoc
		if got.Found {
			json.Unmarshal(got.Source_, &held)
		}
		if got.Found && held.Expires.After(now) {
			return nil, fmt.Errorf("%w: job %s is held by %s since %s (in elasticsearch, until %s unless renewed)", store.ErrLocked, job,
				held.Holder, held.Acquired.Format(time.RFC3339), held.Expires.Format(time.RFC3339))
		}
		// Expired: take it over, only if nobody else did since we read it.
		req := s.es.Index(s.alias(kindLocks)).Id(job).Refresh(refresh.True).Raw(jsonReader(me))
		if got.Found {
			req = req.IfSeqNo(strconv.FormatInt(*got.SeqNo_, 10)).IfPrimaryTerm(strconv.FormatInt(*got.PrimaryTerm_, 10))
		}
		r2, err := req.Do(ctx)
		if isStatus(err, http.StatusConflict) {
			return nil, fmt.Errorf("%w: job %s was taken over by another worker", store.ErrLocked, job)
		}
		if err != nil {
			return nil, fmt.Errorf("lock job %s: %w", job, err)
		}
		seq, term = *r2.SeqNo_, *r2.PrimaryTerm_
	default:
		return nil, fmt.Errorf("lock job %s: %w", job, err)
	}
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(LockTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				mu.Lock()
				me.Expires = now.UTC().Add(LockTTL)
				r, err := s.es.Index(s.alias(kindLocks)).Id(job).IfSeqNo(strconv.FormatInt(seq, 10)).IfPrimaryTerm(strconv.FormatInt(term, 10)).
					Raw(jsonReader(me)).Do(context.Background())
				if err == nil {
					seq, term = *r.SeqNo_, *r.PrimaryTerm_
				}
				mu.Unlock()
			}
		}
	}()
	var once sync.Once
	return func() error {
		var err error
		once.Do(func() {
			close(stop)
			<-done
			mu.Lock()
			defer mu.Unlock()
			_, err = s.es.Delete(s.alias(kindLocks), job).IfSeqNo(strconv.FormatInt(seq, 10)).IfPrimaryTerm(strconv.FormatInt(term, 10)).
				Refresh(refresh.True).Do(context.Background())
			if isStatus(err, http.StatusConflict) || isStatus(err, http.StatusNotFound) {
				err = nil // taken over after it expired: not ours to delete
			}
		})
		return err
	}, nil
}
