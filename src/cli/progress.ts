import { MultiBar, Presets, type SingleBar } from "cli-progress";

/** Progress of a command's stages ("checking", "writing", ...), each with its own total. */
export interface Progress {
  update(stage: string, done: number, total: number): void;
  stop(): void;
}

/**
 * On a terminal, a bar per stage (cli-progress) with its elapsed time. Elsewhere (a log, a pipe,
 * CI), where a bar cannot redraw itself, one plain line per tenth of each stage and one at its end,
 * with the stage's own total and the seconds it has taken so far.
 */
export function createProgress(unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? terminalProgress(unit, stream) : lineProgress(unit, stream);
}

function terminalProgress(unit: string, stream: NodeJS.WriteStream): Progress {
  const bars = new MultiBar({ format: ` {stage} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted}`, hideCursor: true, clearOnComplete: false, stream }, Presets.shades_classic);
  const byStage = new Map<string, SingleBar>();
  return {
    update(stage, done, total) {
      let bar = byStage.get(stage);
      if (!bar) {
        bar = bars.create(total, 0, { stage: stage.padEnd(13) });
        byStage.set(stage, bar);
      }
      bar.setTotal(total);
      bar.update(Math.min(done, total), { stage: stage.padEnd(13) });
    },
    stop: () => bars.stop(),
  };
}

function lineProgress(unit: string, stream: NodeJS.WriteStream): Progress {
  const stages = new Map<string, { started: number; shown: number }>();
  return {
    update(stage, done, total) {
      let state = stages.get(stage);
      if (!state) {
        state = { started: Date.now(), shown: -1 };
        stages.set(stage, state);
      }
      const tenth = total > 0 ? Math.floor((Math.min(done, total) / total) * 10) : 10;
      if (tenth === state.shown) return;
      state.shown = tenth;
      const seconds = ((Date.now() - state.started) / 1000).toFixed(1);
      stream.write(`${stage}: ${Math.min(done, total)}/${total} ${unit} (${tenth * 10}%), ${seconds} s\n`);
    },
    stop() {},
  };
}
