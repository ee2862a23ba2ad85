package heed_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/heed-dev/heed"

// pkg is one package of the module as its non-test files declare it.
type pkg struct {
	path    string // import path relative to the module: "" for the root, "crawler/site"
	name    string
	imports []string // full import paths
}

// modulePackages reads the package clause and imports of every non-test Go file of the module, and
// calls fn with every function declared in any Go file (tests included) that is not generated.
func modulePackages(t *testing.T, fn func(file string, fset *token.FileSet, f *ast.FuncDecl)) map[string]*pkg {
	t.Helper()
	pkgs := map[string]*pkg{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") || d.Name() == "out" || d.Name() == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		if !strings.HasSuffix(p, "_test.go") {
			dir := filepath.ToSlash(filepath.Dir(p))
			if dir == "." {
				dir = ""
			}
			k := pkgs[dir]
			if k == nil {
				k = &pkg{path: dir, name: f.Name.Name}
				pkgs[dir] = k
			}
			for _, im := range f.Imports {
				path, _ := strconv.Unquote(im.Path.Value)
				if !slices.Contains(k.imports, path) {
					k.imports = append(k.imports, path)
				}
			}
		}
		if fn != nil {
			full, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
			if err != nil {
				return err
			}
			if ast.IsGenerated(full) {
				return nil
			}
			for _, d := range full.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					fn(p, fset, fd)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// within reports whether a module-relative package path is root or under it.
func within(path, root string) bool { return path == root || strings.HasPrefix(path, root+"/") }

// local is the module-relative path of an import of the module, and whether it is one.
func local(imp string) (string, bool) {
	if imp == module {
		return "", true
	}
	rest, ok := strings.CutPrefix(imp, module+"/")
	return rest, ok
}

func isStd(imp string) bool { return !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") }

// TestImportRules keeps the package map of docs/architecture.md true: the stages (crawler, intent,
// responder, triage) import neither each other nor the store; ops reaches intent, responder and triage
// only through interfaces it declares; report imports no store, responder or triage; config imports no
// stage; the root imports only the standard library; each outside library stays in its one home; and
// internal/ holds libraries, not programs.
func TestImportRules(t *testing.T) {
	stages := []string{"crawler", "intent", "responder", "triage"}
	rules := []struct {
		name    string
		applies func(p string) bool
		banned  func(imp string) bool
	}{
		{"a stage imports no other stage and no store", func(p string) bool { return stageOf(p, stages) != "" }, nil},
		{"ops reaches intent, responder and triage only through its interfaces",
			func(p string) bool { return within(p, "ops") },
			func(imp string) bool {
				l, ok := local(imp)
				return ok && (within(l, "intent") || within(l, "responder") || within(l, "triage"))
			}},
		{"report imports no store, responder or triage",
			func(p string) bool { return within(p, "report") },
			func(imp string) bool {
				l, ok := local(imp)
				return ok && (within(l, "store") || within(l, "responder") || within(l, "triage"))
			}},
		{"config imports no stage, store, report or ops",
			func(p string) bool { return within(p, "config") },
			func(imp string) bool {
				l, ok := local(imp)
				return ok && (stageOf(l, stages) != "" || within(l, "store") || within(l, "report") || within(l, "ops"))
			}},
		{"the root imports only the standard library", func(p string) bool { return p == "" }, func(imp string) bool { return !isStd(imp) }},
		{"only store/elastic imports go-elasticsearch", func(p string) bool { return !within(p, "store/elastic") },
			func(imp string) bool { return strings.HasPrefix(imp, "github.com/elastic/go-elasticsearch") }},
		{"only crawler/ imports colly", func(p string) bool { return !within(p, "crawler") },
			func(imp string) bool { return strings.HasPrefix(imp, "github.com/gocolly/colly") }},
		{"only ops imports cron", func(p string) bool { return !within(p, "ops") },
			func(imp string) bool { return strings.HasPrefix(imp, "github.com/robfig/cron") }},
		{"internal/ libraries import only the standard library and each other", func(p string) bool { return within(p, "internal") },
			func(imp string) bool { l, ok := local(imp); return !isStd(imp) && !(ok && within(l, "internal")) }},
	}
	pkgs := modulePackages(t, nil)
	if len(pkgs) < 20 {
		t.Fatalf("read %d packages: is the test running at the module root?", len(pkgs))
	}
	for _, p := range pkgs {
		for _, r := range rules {
			if !r.applies(p.path) {
				continue
			}
			for _, imp := range p.imports {
				bad := false
				if r.banned == nil { // the stage rule
					l, ok := local(imp)
					s := stageOf(l, stages)
					bad = ok && (within(l, "store") || s != "" && s != stageOf(p.path, stages))
				} else {
					bad = r.banned(imp)
				}
				if bad {
					t.Errorf("%s: %s imports %s", r.name, "heed/"+p.path, imp)
				}
			}
		}
		if within(p.path, "internal") && p.name == "main" {
			t.Errorf("internal/ holds shared libraries only: %s is a program (put it under tools/)", p.path)
		}
	}
}

// stageOf is the stage a module-relative package belongs to, "" for none.
func stageOf(p string, stages []string) string {
	for _, s := range stages {
		if within(p, s) {
			return s
		}
	}
	return ""
}

// maxFuncLines bounds every hand-written function, tests included: a longer one does several things.
const maxFuncLines = 100

func TestNoLongFunctions(t *testing.T) {
	modulePackages(t, func(file string, fset *token.FileSet, f *ast.FuncDecl) {
		start, end := fset.Position(f.Pos()).Line, fset.Position(f.End()).Line
		if n := end - start + 1; n > maxFuncLines {
			t.Errorf("%s:%d: %s is %d lines long; split it (at most %d)", file, start, f.Name.Name, n, maxFuncLines)
		}
	})
}
