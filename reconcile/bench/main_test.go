package main

import "testing"

// TestGenerateAndReconcile checks the data set's composition through the
// reconciler: of 2,000 payments, 20 have a line without references, 20
// settle for another amount and 10 are never settled; 10 lines belong to
// no payment. Everything else matches to the cent.
func TestGenerateAndReconcile(t *testing.T) {
	dir := t.TempDir()
	if err := generate(2000, dir); err != nil {
		t.Fatal(err)
	}
	res, err := reconcileDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.lines != 2000 || res.expected != 2000 || res.matched != 1950 {
		t.Errorf("lines %d, expected %d, matched %d; want 2000, 2000, 1950", res.lines, res.expected, res.matched)
	}
}
