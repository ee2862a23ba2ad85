package ops

import (
	"runtime"
	"sync"
)

// parallel calls fn(i) for i in [0, n) on the pipeline's workers.
func (p *Pipeline) parallel(n int, fn func(i int)) {
	workers := p.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(n, 1))
	var wg sync.WaitGroup
	const chunk = 256
	var next int
	var mu sync.Mutex
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					fn(i)
				}
			}
		}()
	}
	wg.Wait()
}
