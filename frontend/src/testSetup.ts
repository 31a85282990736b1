// Every Vitest file runs this first. Testing Library's `findBy…` and `waitFor` give up after one
// second by default: a wall-clock wait that a loaded two-core machine misses (`make test` runs the
// dashboard's tests beside the Rust ones). They end when their event happens; this ceiling only
// bounds a hang, as the rest of the project's waits do (docs/testing.md).
import { configure } from '@testing-library/dom';

configure({ asyncUtilTimeout: 30_000 });
