package triage

// SetBlocks sets the size cells aim at and the most they may hold, and returns what undoes it.
func SetBlocks(target, most int) (restore func()) {
	t, m := cellTarget, maxBlock
	cellTarget, maxBlock = target, most
	return func() { cellTarget, maxBlock = t, m }
}
