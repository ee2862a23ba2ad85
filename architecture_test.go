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
// calls fn with every function declared in any Go file (tests included) that is not generated, and every
// function literal outside a function.
func modulePackages(t *testing.T, fn func(file string, fset *token.FileSet, name string, f ast.Node)) map[string]*pkg {
	t.Helper()
	pkgs := map[string]*pkg{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") || p == "out" || p == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		mode := parser.ImportsOnly | parser.ParseComments
		if fn != nil {
			mode = parser.ParseComments // the whole file: its functions are measured too
		}
		f, err := parser.ParseFile(fset, p, nil, mode)
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
			if ast.IsGenerated(f) {
				return nil
			}
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Body != nil {
						fn(p, fset, d.Name.Name, d)
					}
				case *ast.GenDecl:
					// Functions written as package-level values (var f = func..., tables of funcs) count too.
					ast.Inspect(d, func(n ast.Node) bool {
						if lit, ok := n.(*ast.FuncLit); ok {
							fn(p, fset, "a function literal", lit)
							return false
						}
						return true
					})
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

// TestImportRules keeps the package map of the README's Architecture section true: the stages (crawler, intent,
// responder, triage) import neither each other nor the store; ops reaches intent, responder and triage
// only through interfaces it declares; report imports no store, responder or triage; config imports no
// stage; encoder is a leaf; the root imports only the standard library; each outside library stays in its one home; and
// internal/ holds libraries, not programs. The rules on heed's own packages hold for what a package
// reaches through others too (ops may not reach the responder through a helper); tests may import any
// package, to exercise a stage with real neighbours.
func TestImportRules(t *testing.T) {
	stages := []string{"crawler", "intent", "responder", "triage"}
	rules := []struct {
		name       string
		applies    func(p string) bool
		banned     func(imp string) bool
		transitive bool // also through the module's other packages
	}{
		{"a stage imports no other stage and no store", func(p string) bool { return stageOf(p, stages) != "" }, nil, true},
		{"ops reaches intent, responder and triage only through its interfaces",
			func(p string) bool { return within(p, "ops") },
			func(imp string) bool {
				l, ok := local(imp)
				return ok && (within(l, "intent") || within(l, "responder") || within(l, "triage"))
			}, true},
		{"report imports no store, responder or triage",
			func(p string) bool { return within(p, "report") },
			func(imp string) bool {
				l, ok := local(imp)
				return ok && (within(l, "store") || within(l, "responder") || within(l, "triage"))
			}, true},
		{"config imports no stage, store, report or ops",
			func(p string) bool { return within(p, "config") },
			func(imp string) bool {
				l, ok := local(imp)
				return ok && (stageOf(l, stages) != "" || within(l, "store") || within(l, "report") || within(l, "ops"))
			}, true},
		{"the root imports only the standard library", func(p string) bool { return p == "" }, func(imp string) bool { return !isStd(imp) }, false},
		{"only store/elastic imports go-elasticsearch", func(p string) bool { return !within(p, "store/elastic") },
			func(imp string) bool { return strings.HasPrefix(imp, "github.com/elastic/go-elasticsearch") }, false},
		{"only crawler/ imports colly", func(p string) bool { return !within(p, "crawler") },
			func(imp string) bool { return strings.HasPrefix(imp, "github.com/gocolly/colly") }, false},
		{"only ops imports cron", func(p string) bool { return !within(p, "ops") },
			func(imp string) bool { return strings.HasPrefix(imp, "github.com/robfig/cron") }, false},
		{"encoder is a leaf: it imports none of heed's packages", func(p string) bool { return within(p, "encoder") },
			func(imp string) bool { _, ok := local(imp); return ok }, false},
		{"internal/ libraries import only the standard library and each other", func(p string) bool { return within(p, "internal") },
			func(imp string) bool { l, ok := local(imp); return !isStd(imp) && !(ok && within(l, "internal")) }, false},
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
			reach := map[string]string{} // import -> the direct import it is reached through
			for _, imp := range p.imports {
				reach[imp] = imp
			}
			if r.transitive {
				reachAll(pkgs, p, reach)
			}
			for imp, via := range reach {
				bad := false
				if r.banned == nil { // the stage rule
					l, ok := local(imp)
					s := stageOf(l, stages)
					bad = ok && (within(l, "store") || s != "" && s != stageOf(p.path, stages))
				} else {
					bad = r.banned(imp)
				}
				switch {
				case bad && via == imp:
					t.Errorf("%s: %s imports %s", r.name, "heed/"+p.path, imp)
				case bad:
					t.Errorf("%s: %s reaches %s through %s", r.name, "heed/"+p.path, imp, via)
				}
			}
		}
		if within(p.path, "internal") && p.name == "main" {
			t.Errorf("internal/ holds shared libraries only: %s is a program (put it under tools/)", p.path)
		}
	}
}

// reachAll adds to reach every import the module's packages that p imports reach in turn, each with the
// direct import of p it is reached through.
func reachAll(pkgs map[string]*pkg, p *pkg, reach map[string]string) {
	queue := slices.Clone(p.imports)
	for len(queue) > 0 {
		imp := queue[0]
		queue = queue[1:]
		l, ok := local(imp)
		if !ok || pkgs[l] == nil {
			continue
		}
		for _, next := range pkgs[l].imports {
			if _, seen := reach[next]; !seen {
				reach[next] = reach[imp]
				queue = append(queue, next)
			}
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
	modulePackages(t, func(file string, fset *token.FileSet, name string, f ast.Node) {
		start, end := fset.Position(f.Pos()).Line, fset.Position(f.End()).Line
		if n := end - start + 1; n > maxFuncLines {
			t.Errorf("%s:%d: %s is %d lines long; split it (at most %d)", file, start, name, n, maxFuncLines)
		}
	})
}
