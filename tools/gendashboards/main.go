// Command gendashboards writes heed's Grafana dashboards (ops.Dashboards) as JSON files: `go generate
// ./ops` runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/heed-dev/heed/ops"
)

func main() {
	out := flag.String("out", "dashboards", "the directory to write into")
	flag.Parse()
	for _, d := range ops.Dashboards {
		b, err := d.JSON()
		if err == nil {
			err = os.WriteFile(filepath.Join(*out, d.File), b, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "gendashboards:", err)
			os.Exit(1)
		}
	}
}
