package imports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/heed-dev/heed/crawler"
)

// isAPI says whether a source's BASE is a vendor's API (an http or https URL) rather than the path of an
// export file.
func isAPI(base string) bool {
	return strings.HasPrefix(base, "http://") || strings.HasPrefix(base, "https://")
}

// checkFile fails for an export file (what: "requests", "helpdesk", "site search"...) that does not
// exist or is a directory: an input-file error, named before the run starts.
func checkFile(source, what, path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("source %s: %s file %s does not exist (%w: %w)", source, what, path, crawler.ErrBadInput, fs.ErrNotExist)
	case err != nil:
		return fmt.Errorf("source %s: %s file %s: %w: %w", source, what, path, crawler.ErrBadInput, err)
	case fi.IsDir():
		return fmt.Errorf("source %s: %s file %s: %w: it is a directory, want a file", source, what, path, crawler.ErrBadInput)
	}
	return nil
}
