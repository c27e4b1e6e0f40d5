'use client';

import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import type { TerminalLink, TerminalLinkState } from './terminal-link.ts';

/**
 * xterm.js on a terminal session: keystrokes go to the session, output comes back (replayed from
 * the start of the session's buffer on every attach, so a reload shows the shell as it was),
 * the size follows the element (addon-fit, on every resize of the box), and copy/paste work with
 * Ctrl+Shift+C / Ctrl+Shift+V as well as the buttons.
 */
export function TerminalView({ link, onEnded }: { link: TerminalLink; onEnded?: () => void }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<TerminalLinkState>({ kind: 'connecting' });
  const api = useRef<{ copy: () => void; paste: () => void } | null>(null);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    let disposed = false;
    let cleanup = () => {};
    // xterm touches `window` when loaded, so it is imported in the browser only.
    void Promise.all([import('@xterm/xterm'), import('@xterm/addon-fit')]).then(
      ([{ Terminal }, { FitAddon }]) => {
        if (disposed) return;
        const term = new Terminal({
          cursorBlink: true,
          fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
          fontSize: 14,
          scrollback: 5000,
          theme: { background: '#0d1117', foreground: '#e6edf3' },
        });
        const fit = new FitAddon();
        term.loadAddon(fit);
        term.open(box);
        fit.fit();

        const copy = () => {
          const selection = term.getSelection();
          if (selection) void navigator.clipboard?.writeText(selection).catch(() => {});
        };
        const paste = () => {
          void navigator.clipboard
            ?.readText()
            .then((text) => term.paste(text))
            .catch(() => {});
        };
        api.current = { copy, paste };
        term.attachCustomKeyEventHandler((event) => {
          if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
          if (event.code === 'KeyC') {
            copy();
            return false;
          }
          if (event.code === 'KeyV') {
            paste();
            return false;
          }
          return true;
        });

        const session = link.attach({
          size: { cols: term.cols, rows: term.rows },
          onOutput: (data, replay) => {
            // a replay is the whole buffer again: start from a clean screen so nothing shows twice
            if (replay) term.reset();
            term.write(data);
          },
          onState: (next) => {
            setState(next);
            if (next.kind === 'ended') onEnded?.();
          },
        });
        const input = term.onData((data) => session.input(data));
        const resized = term.onResize(({ cols, rows }) => session.resize(cols, rows));
        const observer = new ResizeObserver(() => fit.fit());
        observer.observe(box);
        term.focus();
        cleanup = () => {
          observer.disconnect();
          input.dispose();
          resized.dispose();
          session.detach();
          term.dispose();
          api.current = null;
        };
      },
    );
    return () => {
      disposed = true;
      cleanup();
    };
  }, [link, onEnded]);

  return (
    <div>
      <div className="terminal-bar">
        <span data-testid="terminal-state" role="status">
          {state.kind === 'open'
            ? 'Connected'
            : state.kind === 'connecting'
              ? 'Connecting…'
              : state.kind === 'reconnecting'
                ? 'Connection lost, reconnecting…'
                : `Session ended${state.exitCode === null ? '' : ` (exit code ${state.exitCode})`}`}
        </span>
        <button type="button" className="button small" onClick={() => api.current?.copy()}>
          Copy
        </button>
        <button type="button" className="button small" onClick={() => api.current?.paste()}>
          Paste
        </button>
      </div>
      {/* addon-fit measures the host element; the padding lives on the box around it */}
      <div className="terminal-box">
        <div ref={boxRef} className="terminal-host" data-testid="terminal" />
      </div>
    </div>
  );
}
