package main

import (
	"slices"
	"strings"
	"testing"
)

// TestHelp: help goes to stdout with exit 0, for heed and for every command (`heed CMD --help`, `-h`
// and `heed help CMD` alike), with examples; a misspelled command or flag is one error on stderr (exit
// 2) with a "did you mean", not the error twice around the flags.
func TestHelp(t *testing.T) {
	names := []string{}
	for n := range commands() {
		names = append(names, n)
	}
	slices.Sort(names)
	type want struct {
		code       int
		out, errs  []string // substrings
		noOut      bool     // stdout empty
		noErr      bool     // stderr empty
		notOut     []string // not in stdout
		errOnce    string   // in stderr exactly once
		notInError []string // not in stderr
	}
	tests := []struct {
		args []string
		want want
	}{
		{[]string{"--help"}, want{code: 0, out: []string{"Usage: heed <command>", "Commands:", "run ", "heed help <command>"}, noErr: true}},
		{[]string{"-h"}, want{code: 0, out: []string{"Commands:"}, noErr: true}},
		{[]string{"help"}, want{code: 0, out: []string{"Commands:", "Examples:"}, noErr: true}},
		{[]string{}, want{code: 2, errs: []string{"Usage: heed <command>"}, noOut: true}},
		{[]string{"--version"}, want{code: 0, out: []string{"heed dev"}, noErr: true}},
		{[]string{"-version"}, want{code: 0, out: []string{"heed dev"}, noErr: true}},
		{[]string{"version"}, want{code: 0, out: []string{"heed dev"}, noErr: true}},
		{[]string{"help", "run"}, want{code: 0, out: []string{"Usage: heed run ", "Examples:", "  heed run -c heed.yaml", "-source"}, noErr: true}},
		{[]string{"help", "nope"}, want{code: 2, errs: []string{`unknown command "nope"`}, noOut: true}},
		{[]string{"runn"}, want{code: 2, errOnce: `did you mean "run"?`, noOut: true}},
		{[]string{"override", "--help"}, want{code: 0, out: []string{"Usage: heed override list", "heed override pin", "wont-answer", "remove", "Examples:"}, noErr: true}},
		{[]string{"override", "pin", "--help"}, want{code: 0, out: []string{"Usage: heed override pin (--request TEXT | --topic KEY) --url URL", "Examples:", "-url"}, notOut: []string{"list |"}, noErr: true}},
		{[]string{"override"}, want{code: 2, errs: []string{"Usage: heed override list"}, noOut: true}},
		{[]string{"override", "pinn"}, want{code: 2, errOnce: `did you mean "pin"?`, noOut: true}},
		{[]string{"run", "--sorce", "requests=x.txt"}, want{code: 2, errOnce: "flag provided but not defined: -sorce", errs: []string{"did you mean --source?", "heed run --help"}, notInError: []string{"Flags:", "Usage:"}, noOut: true}},
		{[]string{"classify", "-nope"}, want{code: 2, errOnce: "-nope", noOut: true}},
	}
	for _, n := range names {
		tests = append(tests,
			struct {
				args []string
				want want
			}{[]string{n, "--help"}, want{code: 0, out: []string{"Usage: heed " + n, "Examples:", "\n  heed " + n}, noErr: true}},
			struct {
				args []string
				want want
			}{[]string{"help", n}, want{code: 0, out: []string{"Usage: heed " + n, "Examples:"}, noErr: true}})
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errs := heedRun(t, "", tt.args...)
			w := tt.want
			if code != w.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, w.code, out, errs)
			}
			for _, s := range w.out {
				if !strings.Contains(out, s) {
					t.Errorf("stdout has no %q:\n%s", s, out)
				}
			}
			for _, s := range w.notOut {
				if strings.Contains(out, s) {
					t.Errorf("stdout has %q:\n%s", s, out)
				}
			}
			for _, s := range w.errs {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr has no %q:\n%s", s, errs)
				}
			}
			for _, s := range w.notInError {
				if strings.Contains(errs, s) {
					t.Errorf("stderr has %q:\n%s", s, errs)
				}
			}
			if w.errOnce != "" && strings.Count(errs, w.errOnce) != 1 {
				t.Errorf("stderr has %q %d times, want once:\n%s", w.errOnce, strings.Count(errs, w.errOnce), errs)
			}
			if w.noOut && out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if w.noErr && errs != "" {
				t.Errorf("stderr %q, want nothing", errs)
			}
		})
	}
}
