package main

import (
	"runtime/debug"
	"testing"
)

func TestBatchGCLeavesTheOperatorsSettings(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	tests := []struct {
		env  map[string]string
		want int
	}{
		{map[string]string{}, batchGCPercent},
		{map[string]string{"GOGC": "200"}, 100}, // the runtime read GOGC itself; heed leaves it
		{map[string]string{"GOMEMLIMIT": "1GiB"}, 100},
	}
	for _, tt := range tests {
		debug.SetGCPercent(100)
		batchGC(func(k string) string { return tt.env[k] })
		if got := debug.SetGCPercent(100); got != tt.want {
			t.Errorf("env %v: GC percent %d, want %d", tt.env, got, tt.want)
		}
	}
}
