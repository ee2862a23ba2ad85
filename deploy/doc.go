// Package deploy holds heed's deployment files (compose.yaml, its Dockerfile and configs) and the tests
// that keep them in step with the repository.
package deploy
