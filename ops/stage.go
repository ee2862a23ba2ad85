package ops

import (
	"context"
	"log/slog"
	"runtime"
	"time"
)

// stageLog logs, at debug level, how long each stage of a run took and the heap it left in use: what an
// operator reads first when a night's run is slow or its memory grows.
type stageLog struct {
	log  *slog.Logger
	last time.Time
}

func newStageLog(log *slog.Logger) *stageLog { return &stageLog{log: log, last: time.Now()} }

func (s *stageLog) done(name string) {
	if !s.log.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	now := time.Now()
	s.log.Debug("stage done", "stage", name, "took", now.Sub(s.last).Round(time.Millisecond).String(),
		"heap_mib", ms.HeapAlloc>>20, "sys_mib", ms.Sys>>20)
	s.last = now
}
