package wms

import (
	"errors"
	"testing"
	"time"
)

func TestConfigs_InvalidNamesTheField(t *testing.T) {
	orders := newFakeOrders()
	tests := []struct {
		field string
		build func() error
	}{
		{"Orders", func() error { _, err := NewSequencer(SequencerConfig{}); return err }},
		{"Workers", func() error { _, err := NewSequencer(SequencerConfig{Orders: orders, Workers: -1}); return err }},
		{"Retry.Attempts", func() error {
			_, err := NewSequencer(SequencerConfig{Orders: orders, Retry: Backoff{Attempts: -1}})
			return err
		}},
		{"Writer", func() error { _, err := NewPusher(PusherConfig{List: "eu"}); return err }},
		{"List", func() error { _, err := NewPusher(PusherConfig{Writer: newFakeInventory()}); return err }},
		{"BatchSize", func() error {
			_, err := NewPusher(PusherConfig{Writer: newFakeInventory(), List: "eu", BatchSize: MaxBatchSize + 1})
			return err
		}},
		{"Interval", func() error {
			_, err := NewPusher(PusherConfig{Writer: newFakeInventory(), List: "eu", Interval: -time.Second})
			return err
		}},
		{"Retry.Max", func() error {
			_, err := NewPusher(PusherConfig{Writer: newFakeInventory(), List: "eu", Retry: Backoff{Max: -1}})
			return err
		}},
		{"Orders", func() error { _, err := NewMonitor(MonitorConfig{}); return err }},
		{"Store", func() error { _, err := NewMonitor(MonitorConfig{Orders: orders}); return err }},
		{"After", func() error {
			_, err := NewMonitor(MonitorConfig{Orders: orders, Store: NewMemoryEventStore()})
			return err
		}},
	}
	for _, tt := range tests {
		err := tt.build()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != tt.field || !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("%s: err = %v, want a *ConfigError naming it", tt.field, err)
		}
	}
}

func TestConfigs_DefaultsAreTheExportedConstants(t *testing.T) {
	s := SequencerConfig{Orders: newFakeOrders()}
	s.setDefaults()
	if s.Workers != DefaultSequencerWorkers || s.Store == nil || s.Notifier == nil || s.Now == nil || s.Logger == nil ||
		s.Attributes.TrackingNumbers != DefaultTrackingNumbersAttr || s.Attributes.Packages != DefaultPackagesAttr {
		t.Errorf("sequencer defaults %+v", s)
	}
	if s.Retry.Attempts != DefaultRetryAttempts || s.Retry.Initial != DefaultRetryInitial || s.Retry.Max != DefaultRetryMax {
		t.Errorf("retry defaults %+v", s.Retry)
	}
	var p PusherConfig
	p.setDefaults()
	if p.BatchSize != DefaultPusherBatchSize || p.Workers != DefaultPusherWorkers || p.Interval != DefaultPushInterval ||
		p.Levels == nil || p.NewTicker == nil || p.Now == nil || p.Logger == nil {
		t.Errorf("pusher defaults %+v", p)
	}
	var m MonitorConfig
	m.setDefaults()
	if m.Now == nil || m.Attributes.Packages != DefaultPackagesAttr {
		t.Errorf("monitor defaults %+v", m)
	}
}
