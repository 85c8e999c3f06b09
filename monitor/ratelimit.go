package monitor

import (
	"sync"
	"time"
)

// RateLimiter is a set of token buckets, one per key (a signing address, a
// Matrix sender), refilled at Rate tokens per second up to Burst. Idle
// buckets are forgotten, so memory follows the number of active keys.
type RateLimiter struct {
	rate  float64
	burst float64
	mu    sync.Mutex
	keys  map[string]*bucket
	swept time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewRateLimiter returns a limiter; rate <= 0 disables limiting.
func NewRateLimiter(rate float64, burst int) *RateLimiter {
	if burst < 1 {
		burst = 1
	}
	return &RateLimiter{rate: rate, burst: float64(burst), keys: map[string]*bucket{}}
}

// Allow takes one token from key's bucket at time now.
func (l *RateLimiter) Allow(key string, now time.Time) bool {
	if l == nil || l.rate <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		l.sweep(now)
	}
	b, ok := l.keys[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.keys[key] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(l.burst, b.tokens+el*l.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sweep drops buckets that have refilled completely.
func (l *RateLimiter) sweep(now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.keys {
		if now.Sub(b.last) > full {
			delete(l.keys, k)
		}
	}
	l.swept = now
}
