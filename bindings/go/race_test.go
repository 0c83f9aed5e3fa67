//go:build race

package registerusagejwt

// raceEnabled: the race detector's shadow memory adds RSS noise the leak test allows for.
const raceEnabled = true
