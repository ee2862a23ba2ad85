// Command respondload measures /api/respond under load: it builds heed's matcher over a page export,
// serves the responder's handler on loopback, and sends requests at a fixed rate (an open loop: a slow
// answer does not slow the sender), then prints the latency percentiles. The matcher reads meaning with
// the sentence encoder, as heed serve's does (-words: words alone); each request is encoded as it comes.
//
//	go run ./tools/respondload -pages out/bench/pages.jsonl -requests out/bench/requests.txt -rate 200 -for 30s
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/heed-dev/heed/analysis"
	"github.com/heed-dev/heed/crawler/site"
	"github.com/heed-dev/heed/encoder"
	"github.com/heed-dev/heed/index"
	"github.com/heed-dev/heed/intent"
	"github.com/heed-dev/heed/responder"
)

func main() {
	pagesPath := flag.String("pages", "out/bench/pages.jsonl", "page export")
	reqPath := flag.String("requests", "out/bench/requests.txt", "requests, one a line")
	rate := flag.Int("rate", 200, "requests per second")
	dur := flag.Duration("for", 30*time.Second, "how long to send")
	words := flag.Bool("words", false, "match by words alone, without the sentence encoder")
	flag.Parse()
	pages, _, err := site.ReadExportFile(*pagesPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	start := time.Now()
	var enc responder.Encoder
	if !*words {
		e, err := encoder.New()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		enc = e
	}
	m := responder.New(index.Build(pages, analysis.New("en"), index.DefaultParams()), enc)
	fmt.Printf("   matcher over %d pages ready in %.1f s (%s)\n", len(pages), time.Since(start).Seconds(), m.Calibration())
	h := responder.NewHandler(intent.New(intent.Options{}), m)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go http.Serve(ln, h)
	f, err := os.Open(*reqPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var reqs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(reqs) < *rate*int(dur.Seconds())+1 {
		reqs = append(reqs, sc.Text())
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 10 * time.Second}
	base := "http://" + ln.Addr().String() + "/api/respond?q="
	var mu sync.Mutex
	var lat []time.Duration
	var failed int
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(*rate))
	defer tick.Stop()
	end := time.Now().Add(*dur)
	for i := 0; time.Now().Before(end); i++ {
		<-tick.C
		q := reqs[i%len(reqs)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			t0 := time.Now()
			res, err := client.Get(base + url.QueryEscape(q))
			if err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			d := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || res.StatusCode != 200 {
				failed++
				return
			}
			lat = append(lat, d)
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("   /api/respond at %d requests/s for %s over %d pages: %d answered, %d failed; p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		*rate, *dur, len(pages), len(lat), failed, ms(pct(0.5)), ms(pct(0.99)), ms(lat[len(lat)-1]))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
