package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/heed-dev/heed/config"
)

type compose struct {
	Services map[string]struct {
		Image   string   `yaml:"image"`
		Command []string `yaml:"command"`
		Build   *struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		Volumes   []string `yaml:"volumes"`
		DependsOn any      `yaml:"depends_on"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

// TestComposeReferencesExist: every file compose.yaml mounts or builds from exists, every named volume
// is declared, and heed's config in it loads.
func TestComposeReferencesExist(t *testing.T) {
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c compose
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	for _, want := range []string{"elasticsearch", "heed", "prometheus", "grafana"} {
		if _, ok := c.Services[want]; !ok {
			t.Errorf("no %s service", want)
		}
	}
	files := 0
	for name, s := range c.Services {
		if s.Image == "" && s.Build == nil {
			t.Errorf("%s: neither image nor build", name)
		}
		if s.Build != nil {
			ctx := filepath.Join(".", s.Build.Context)
			if _, err := os.Stat(filepath.Join(ctx, "go.mod")); err != nil {
				t.Errorf("%s: build context %s is not the repository: %v", name, ctx, err)
			}
			if _, err := os.Stat(filepath.Join(ctx, s.Build.Dockerfile)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			files++
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") {
				if _, err := os.Stat(src); err != nil {
					t.Errorf("%s mounts %s: %v", name, src, err)
				}
				files++
				continue
			}
			if _, ok := c.Volumes[src]; !ok {
				t.Errorf("%s uses volume %q, which compose.yaml does not declare", name, src)
			}
		}
	}
	if files < 6 {
		t.Errorf("only %d file references checked", files)
	}
	cfg, err := config.Load("heed.yaml")
	if err != nil {
		t.Fatalf("deploy/heed.yaml: %v", err)
	}
	if cfg.Storage.Kind != "elasticsearch" || len(cfg.Storage.Elasticsearch.Addresses) == 0 {
		t.Errorf("deploy/heed.yaml does not use the compose cluster: %+v", cfg.Storage)
	}
	// The dashboards Grafana provisions are the shipped ones.
	entries, err := os.ReadDir(filepath.Join("..", "ops", "dashboards"))
	if err != nil || len(entries) == 0 {
		t.Errorf("no dashboards to provision: %v", err)
	}
}
