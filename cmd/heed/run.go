package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/push"

	"github.com/heed-dev/heed/config"
	"github.com/heed-dev/heed/crawler"
	"github.com/heed-dev/heed/ops"
)

func cmdRun(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "run", "[-c FILE] [--data DIR] [--source SPEC ...] [--seed TEXT ...] [--expand LIST] [--pages FILE|URL] [--out DIR] [--job NAME] [--shard I/N]")
	f := addJobFlags(fs, false)
	fs.StringVar(&f.expand, "expand", "", "expansions of each seed: alphabet,questions,prepositions,comparisons")
	jobName := fs.String("job", "", "the configured job to run (default: the first)")
	if err := parse(fs, args); err != nil {
		return err
	}
	line, e := onTerminal(e)
	cfg, shard, log, err := f.resolve(e, fs)
	if err != nil {
		return err
	}
	defer batchGC(ctx, e.getenv)()
	sum, err := runJob(ctx, e, cfg, *jobName, shard, log, line)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, sum.Line())
	return nil
}

// metricSet is every metric a run or the server records, registered once.
type metricSet struct {
	reg   *prometheus.Registry
	crawl *crawler.Metrics
	ops   *ops.Metrics
}

func newMetricSet() metricSet {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return metricSet{reg: reg, crawl: crawler.NewMetrics(reg), ops: ops.NewMetrics(reg, version)}
}

// runJob runs one job of cfg once on its store, under the job's lock, and hands the metrics over as
// the config says (textfile, Pushgateway).
func runJob(ctx context.Context, e *env, cfg *config.File, jobName string, shard crawler.Shard, log *slog.Logger, line *statusLine) (ops.Summary, error) {
	job, err := cfg.Job(jobName)
	if err != nil {
		return ops.Summary{}, usageError{err}
	}
	st, err := openStore(ctx, e, cfg, log)
	if err != nil {
		return ops.Summary{}, err
	}
	defer st.Close()
	job.Name = shard.JobName(job.Name)
	release, err := ops.LockJob(ctx, st, cfg.Storage.Data, job.Name, time.Now())
	if err != nil {
		return ops.Summary{}, err
	}
	defer release()
	ms := newMetricSet()
	progress := crawler.NewProgress()
	p, j, err := buildPipeline(cfg, job, shard, st, log, ms, progress)
	if err != nil {
		return ops.Summary{}, err
	}
	p.Progress = ops.NewProgress(progress)
	stop := showProgress(line, p.Progress)
	sum, runErr := p.Run(ctx, j)
	stop()
	if ctx.Err() == nil {
		exportMetrics(ctx, cfg, ms.reg, log)
	}
	return sum, runErr
}

// exportMetrics leaves a short-lived run's metrics where Prometheus finds them. A failure is logged,
// never fatal: the run did its work.
func exportMetrics(ctx context.Context, cfg *config.File, g prometheus.Gatherer, log *slog.Logger) {
	if path := cfg.Metrics.Textfile; path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			log.Error("metrics textfile not written", "path", path, "err", err)
		} else if err := prometheus.WriteToTextfile(path, g); err != nil {
			log.Error("metrics textfile not written", "path", path, "err", err)
		} else {
			log.Info("metrics written", "textfile", path)
		}
	}
	if url := cfg.Metrics.Pushgateway; url != "" {
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := push.New(url, "heed").Gatherer(g).PushContext(pctx); err != nil {
			log.Error("metrics not pushed", "pushgateway", url, "err", err)
		} else {
			log.Info("metrics pushed", "pushgateway", url)
		}
	}
}
