package ops

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Scheduled is one job on a schedule.
type Scheduled struct {
	Name string
	// Spec is a cron expression: five fields, or a descriptor (@daily, @every 6h, ...).
	Spec string
	// TZ is the IANA time zone the expression is read in.
	TZ string
	// Jitter delays each start by a random duration up to it.
	Jitter time.Duration
}

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule checks a job's schedule and returns when it fires next after t.
func ParseSchedule(s Scheduled, t time.Time) (time.Time, error) {
	loc, err := time.LoadLocation(s.TZ)
	if err != nil {
		return time.Time{}, fmt.Errorf("job %s: time zone %q: %w", s.Name, s.TZ, err)
	}
	sch, err := cronParser.Parse(s.Spec)
	if err != nil {
		return time.Time{}, fmt.Errorf("job %s: schedule %q: %w", s.Name, s.Spec, err)
	}
	return sch.Next(t.In(loc)), nil
}

// Scheduler starts jobs on their schedules. A job whose previous start is still running is skipped
// (and logged), never run twice at once; the job lock keeps other processes from running it too.
type Scheduler struct {
	Jobs []Scheduled
	// Start runs one job; its ctx is cancelled at shutdown, when the job should checkpoint and return.
	Start func(ctx context.Context, job string)
	Log   *slog.Logger
	// Jitter returns a random delay below max; nil uses math/rand.
	Jitter func(max time.Duration) time.Duration
	// Next, when set, is told each job's next start whenever it changes.
	Next func(job string, next time.Time)

	mu   sync.Mutex
	cron *cron.Cron
}

// Run schedules the jobs until ctx is cancelled, then waits for running jobs to return.
func (s *Scheduler) Run(ctx context.Context) error {
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	jitter := s.Jitter
	if jitter == nil {
		jitter = func(max time.Duration) time.Duration { return time.Duration(rand.Int64N(int64(max))) }
	}
	c := cron.New(cron.WithParser(cronParser), cron.WithChain(cron.SkipIfStillRunning(cronLogger{log})))
	ids := map[string]cron.EntryID{}
	for _, j := range s.Jobs {
		if _, err := ParseSchedule(j, time.Now()); err != nil {
			return err
		}
		id, err := c.AddFunc("CRON_TZ="+j.TZ+" "+j.Spec, func() {
			if j.Jitter > 0 {
				d := jitter(j.Jitter)
				log.Info("job due; waiting its jitter", "job", j.Name, "delay", d.Round(time.Second))
				select {
				case <-time.After(d):
				case <-ctx.Done():
					return
				}
			}
			if ctx.Err() != nil {
				return
			}
			s.Start(ctx, j.Name)
			s.reportNext(j.Name, ids)
		})
		if err != nil {
			return fmt.Errorf("job %s: schedule %q: %w", j.Name, j.Spec, err)
		}
		ids[j.Name] = id
	}
	s.mu.Lock()
	s.cron = c
	s.mu.Unlock()
	c.Start()
	for name := range ids {
		s.reportNext(name, ids)
	}
	<-ctx.Done()
	log.Info("scheduler stopping; waiting for running jobs to checkpoint")
	<-c.Stop().Done()
	return nil
}

func (s *Scheduler) reportNext(job string, ids map[string]cron.EntryID) {
	if s.Next == nil {
		return
	}
	s.mu.Lock()
	c := s.cron
	s.mu.Unlock()
	if c == nil {
		return
	}
	if e := c.Entry(ids[job]); e.Valid() {
		s.Next(job, e.Next)
	}
}

// cronLogger adapts slog to cron's logger.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		c.l.Warn("a scheduled start was skipped: the job's previous run is still going", kv...)
		return
	}
	c.l.Debug("cron: "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron: "+msg, append(kv, "err", err)...)
}
