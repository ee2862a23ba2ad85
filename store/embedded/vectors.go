package embedded

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"
	"math"
	"strings"

	"github.com/heed-dev/heed/store"
)

// The vector cache keeps, for each model, one row a key in vectors:
//
//	vector_models(id, model, dim)  a model's name and its vectors' length, fixed by its first vector
//	vectors(model, key, vec)       key: the first 20 bytes of the key's SHA-256 (the 160 bits of the
//	                               Elasticsearch store's document ids), so that a page's whole text as a
//	                               key costs 20 bytes, not its length twice over (table and index);
//	                               vec: dim float32s, little-endian, 4*dim bytes
//
// A row is about 4*dim+40 bytes, and SQLite keeps a row whole on one page when it fits: at 512 floats,
// seven rows share a page of a new database (pageSize, 16 KiB), 2.4 KB a vector, but a database made
// with 4 KiB pages before holds one a page, 4.1 KB a vector (BenchmarkVectors).

// keyHashLen is the length of a stored key.
const keyHashLen = 20

func keyHash(key string) [keyHashLen]byte {
	h := sha256.Sum256([]byte(key))
	return [keyHashLen]byte(h[:keyHashLen])
}

// vectorLookup is how many keys one query of Vectors asks for.
const vectorLookup = 500

// vectorChunk is how many vectors one write transaction of PutVectors holds (4 MB at 512 floats).
const vectorChunk = chunk

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// vectorModel returns model's id and its vectors' length, or 0, 0 when none was ever stored.
func vectorModel(ctx context.Context, q rowQuerier, model string) (id int64, dim int, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, dim FROM vector_models WHERE model = ?`, model).Scan(&id, &dim)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	return id, dim, err
}

// Vectors returns the stored vectors of model for keys, in queries of vectorLookup keys. A stored vector
// of the wrong length (a damaged row) is skipped, logged and counted.
func (s *Store) Vectors(ctx context.Context, model string, keys []string) (map[string][]float32, error) {
	out := map[string][]float32{}
	id, dim, err := vectorModel(ctx, s.db, model)
	if err != nil {
		return nil, fmt.Errorf("read vectors of %s: %w", model, err)
	}
	if id == 0 {
		return out, nil
	}
	byHash := make(map[[keyHashLen]byte]string, min(len(keys), vectorLookup))
	args := make([]any, 0, vectorLookup+1)
	for lo := 0; lo < len(keys); lo += vectorLookup {
		batch := keys[lo:min(lo+vectorLookup, len(keys))]
		clear(byHash)
		args = append(args[:0], id)
		for _, k := range batch {
			h := keyHash(k)
			byHash[h] = k
			args = append(args, h[:])
		}
		query := `SELECT key, vec FROM vectors WHERE model = ? AND key IN (?` + strings.Repeat(", ?", len(batch)-1) + `)`
		if err := s.readVectors(ctx, query, args, model, dim, byHash, out); err != nil {
			return nil, fmt.Errorf("read vectors of %s: %w", model, err)
		}
	}
	return out, nil
}

// readVectors adds to out the vectors query finds, by the keys their hashes stand for.
func (s *Store) readVectors(ctx context.Context, query string, args []any, model string, dim int, byHash map[[keyHashLen]byte]string, out map[string][]float32) error {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var h, blob sql.RawBytes
		if err := rows.Scan(&h, &blob); err != nil {
			return err
		}
		if len(h) != keyHashLen {
			continue // cannot be: the query asked for these hashes
		}
		key := byHash[[keyHashLen]byte(h)]
		v, err := decodeVector(blob, dim)
		if err != nil {
			s.skip("vectors", fmt.Errorf("vector of %.60q for %s: %w", key, model, err))
			continue
		}
		out[key] = v
	}
	return rows.Err()
}

// decodeVector reads dim little-endian float32s.
func decodeVector(b []byte, dim int) ([]float32, error) {
	if len(b)%4 != 0 || len(b)/4 != dim {
		return nil, fmt.Errorf("%d bytes, not the %d of %d float32s", len(b), 4*dim, dim)
	}
	v := make([]float32, dim)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

// appendVector appends v as little-endian float32s.
func appendVector(b []byte, v []float32) []byte {
	for _, f := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(f))
	}
	return b
}

// vectorBatch is up to vectorChunk vectors of one PutVectors call, checked and encoded outside the
// write transaction that stores them, so that a slow vecs never holds the database's one writer.
type vectorBatch struct {
	hashes [][keyHashLen]byte
	blobs  []byte // the vectors one after the other, dim*4 bytes each
	dim    int    // the length of every vector of the call
}

// fill reads the next vectors of next into the batch; it returns false when there were none.
func (b *vectorBatch) fill(model string, next func() (string, []float32, bool)) (bool, error) {
	b.hashes, b.blobs = b.hashes[:0], b.blobs[:0]
	for range vectorChunk {
		key, v, ok := next()
		if !ok {
			break
		}
		if err := store.CheckVector(model, v, b.dim); err != nil {
			return false, err
		}
		b.dim = len(v)
		b.hashes = append(b.hashes, keyHash(key))
		b.blobs = appendVector(b.blobs, v)
	}
	return len(b.hashes) > 0, nil
}

// PutVectors stores vectors of model by key, replacing any, in write transactions of at most
// vectorChunk vectors: each committed transaction stores its vectors whole.
func (s *Store) PutVectors(ctx context.Context, model string, vecs iter.Seq2[string, []float32]) error {
	next, stop := iter.Pull2(vecs)
	defer stop()
	var b vectorBatch
	for {
		ok, err := b.fill(model, next)
		if err == nil && ok {
			err = s.tx(ctx, func(tx *sql.Tx) error { return putVectors(ctx, tx, model, &b) })
		}
		if err != nil {
			return fmt.Errorf("store vectors of %s: %w", model, err)
		}
		if !ok {
			return nil
		}
	}
}

func putVectors(ctx context.Context, tx *sql.Tx, model string, b *vectorBatch) error {
	id, dim, err := vectorModel(ctx, tx, model)
	if err != nil {
		return err
	}
	switch {
	case id == 0:
		res, err := tx.ExecContext(ctx, `INSERT INTO vector_models(model, dim) VALUES(?, ?)`, model, b.dim)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
	case dim != b.dim:
		return fmt.Errorf("%w: %d floats where the vectors of %s have %d", store.ErrBadVector, b.dim, model, dim)
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO vectors(model, key, vec) VALUES(?, ?, ?)
		ON CONFLICT(model, key) DO UPDATE SET vec = excluded.vec`)
	if err != nil {
		return err
	}
	defer st.Close()
	size := 4 * b.dim
	for i := range b.hashes {
		if _, err := st.ExecContext(ctx, id, b.hashes[i][:], b.blobs[i*size:(i+1)*size]); err != nil {
			return err
		}
	}
	return nil
}

// DropVectors forgets the vectors of every model but keep, model by model in transactions of at most
// chunk rows. The models' lengths stay recorded. The space they took is reused by later writes; the
// database file does not shrink.
func (s *Store) DropVectors(ctx context.Context, keep string) error {
	if err := s.dropVectors(ctx, keep); err != nil {
		return fmt.Errorf("drop vectors of models but %q: %w", keep, err)
	}
	return nil
}

func (s *Store) dropVectors(ctx context.Context, keep string) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM vector_models WHERE model != ?`, keep)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		for {
			res, err := s.exec(ctx, `DELETE FROM vectors WHERE rowid IN (SELECT rowid FROM vectors WHERE model = ? LIMIT ?)`, id, chunk)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n < chunk {
				break
			}
		}
	}
	return nil
}
