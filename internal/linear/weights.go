package linear

// Weights are a linear model's weights, feature-major: the Classes weights of feature f are Row(f).
type Weights[F Float] struct {
	Classes int
	W       []F
}

// NewWeights returns zero weights for features × classes.
func NewWeights[F Float](features, classes int) Weights[F] {
	return Weights[F]{Classes: classes, W: make([]F, features*classes)}
}

// Row returns feature f's weights, one per class. It shares memory with w.
func (w Weights[F]) Row(f int) []F { return w.W[f*w.Classes : (f+1)*w.Classes] }

// Index numbers feature names in the order they are first added, from 0.
type Index struct {
	ids   map[string]int32
	names []string
}

// Add returns name's id, numbering it if it is new.
func (x *Index) Add(name string) int32 {
	if id, ok := x.ids[name]; ok {
		return id
	}
	if x.ids == nil {
		x.ids = map[string]int32{}
	}
	id := int32(len(x.names))
	x.ids[name] = id
	x.names = append(x.names, name)
	return id
}

// ID returns name's id, if it was added.
func (x *Index) ID(name string) (int32, bool) {
	id, ok := x.ids[name]
	return id, ok
}

// Len is how many names were added.
func (x *Index) Len() int { return len(x.names) }

// Name returns the name numbered id.
func (x *Index) Name(id int32) string { return x.names[id] }
