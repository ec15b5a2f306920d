import { describe, expect, it } from 'vitest';
import { getKey, listSections, parseIni, removeKey, setKey } from '../lib/ini';

const FUSION = `# FUSION simulation configuration
[general_settings]
erlang_start = 300
erlang_stop = 1200
erlang_step = 100
max_iters = 20
; spectrum
guard_slots = 1
num_requests = 10000

[topology_settings]
network = NSFNet
cores_per_link = 7

[routing_settings]
route_method = k_shortest_path
k_paths = 3
`;

describe('getKey', () => {
  it('reads values of the right section', () => {
    expect(getKey(FUSION, 'general_settings', 'max_iters')).toBe('20');
    expect(getKey(FUSION, 'topology_settings', 'network')).toBe('NSFNet');
    expect(getKey(FUSION, 'routing_settings', 'k_paths')).toBe('3');
    expect(getKey(FUSION, 'routing_settings', 'max_iters')).toBeUndefined();
    expect(getKey(FUSION, 'nope', 'max_iters')).toBeUndefined();
  });

  it('treats keys case-insensitively and sections case-sensitively', () => {
    expect(getKey(FUSION, 'general_settings', 'MAX_ITERS')).toBe('20');
    expect(getKey('[S]\nKey = v\n', 'S', 'key')).toBe('v');
    expect(getKey(FUSION, 'General_Settings', 'max_iters')).toBeUndefined();
  });

  it('accepts = and : and splits at the first of them', () => {
    const t = '[s]\na: 1\nb=2\nc = x=y\nd : http://host:80\ne =  spaced  \n';
    expect(getKey(t, 's', 'a')).toBe('1');
    expect(getKey(t, 's', 'b')).toBe('2');
    expect(getKey(t, 's', 'c')).toBe('x=y');
    expect(getKey(t, 's', 'd')).toBe('http://host:80');
    expect(getKey(t, 's', 'e')).toBe('spaced');
  });

  it('has no inline comments, like configparser by default', () => {
    expect(getKey('[s]\na = 1 ; not a comment\n# b = 2\n', 's', 'a')).toBe('1 ; not a comment');
    expect(getKey('[s]\n# b = 2\n', 's', 'b')).toBeUndefined();
    expect(getKey('[s]\n   ; b = 2\n', 's', 'b')).toBeUndefined();
  });

  it('joins multi-line values and keeps inner blank lines', () => {
    // Any deeper indentation continues the value, even one that looks like a key.
    expect(getKey('[s]\nd = 1\n e = 2\n', 's', 'd')).toBe('1\ne = 2');
    expect(getKey('[s]\nd = 1\n e = 2\n', 's', 'e')).toBeUndefined();
    const t = '[s]\nlist = one\n    two\n\n    three\n\nnext = 1\n';
    expect(getKey(t, 's', 'list')).toBe('one\ntwo\n\nthree');
    expect(getKey(t, 's', 'next')).toBe('1');
  });

  it('lets the last duplicate win and merges repeated sections', () => {
    expect(getKey('[s]\na = 1\na = 2\n', 's', 'a')).toBe('2');
    expect(getKey('[s]\na = 1\n[t]\nb = 1\n[s]\nc = 3\n', 's', 'a')).toBe('1');
    expect(getKey('[s]\na = 1\n[t]\nb = 1\n[s]\nc = 3\n', 's', 'c')).toBe('3');
  });

  it('falls back to [DEFAULT]', () => {
    const t = '[DEFAULT]\nseed = 7\n[s]\na = 1\n[t]\nseed = 9\n';
    expect(getKey(t, 's', 'seed')).toBe('7');
    expect(getKey(t, 't', 'seed')).toBe('9');
    expect(getKey(t, 'missing', 'seed')).toBeUndefined();
    expect(listSections(t)).toEqual(['s', 't']);
  });

  it('copes with CRLF, empty values and keys before any section', () => {
    expect(getKey('[s]\r\na = 1\r\nb =\r\n', 's', 'a')).toBe('1');
    expect(getKey('[s]\r\na = 1\r\nb =\r\n', 's', 'b')).toBe('');
    const doc = parseIni('orphan = 1\n[s]\nnot a pair\na = 1\n');
    expect(doc.invalidLines).toEqual([1, 3]);
    expect(doc.entries).toHaveLength(1);
  });
});

describe('setKey', () => {
  it('changes only the value of an existing key', () => {
    const out = setKey(FUSION, 'general_settings', 'max_iters', '5');
    expect(out).toBe(FUSION.replace('max_iters = 20', 'max_iters = 5'));
    expect(getKey(out, 'general_settings', 'max_iters')).toBe('5');
  });

  it('keeps the spelling, delimiter and spacing of the line', () => {
    expect(setKey('[s]\nKey=1\n', 's', 'key', '2')).toBe('[s]\nKey=2\n');
    expect(setKey('[s]\n  a :   1\n', 's', 'A', 'x')).toBe('[s]\n  a :   x\n');
    expect(setKey('[s]\na =\n', 's', 'a', 'v')).toBe('[s]\na = v\n');
    expect(setKey('[s]\na = 1\n', 's', 'a', '')).toBe('[s]\na =\n');
    expect(setKey('[s]\na=\n', 's', 'a', 'v')).toBe('[s]\na=v\n');
  });

  it('updates the effective entry when a key is repeated', () => {
    const out = setKey('[s]\na = 1\na = 2\n', 's', 'a', '3');
    expect(out).toBe('[s]\na = 1\na = 3\n');
  });

  it('adds a missing key after the last entry of its section, before blank lines and comments', () => {
    const out = setKey(FUSION, 'topology_settings', 'bw_per_slot', '12.5');
    expect(out).toContain('cores_per_link = 7\nbw_per_slot = 12.5\n\n[routing_settings]');
    expect(getKey(out, 'topology_settings', 'bw_per_slot')).toBe('12.5');
    expect(getKey(out, 'routing_settings', 'bw_per_slot')).toBeUndefined();
  });

  it('follows the style of the neighbouring entries', () => {
    expect(setKey('[s]\na=1\n', 's', 'b', '2')).toBe('[s]\na=1\nb=2\n');
    expect(setKey('[s]\na: 1\n', 's', 'b', '2')).toBe('[s]\na: 1\nb: 2\n');
    expect(setKey('[s]\n', 's', 'b', '2')).toBe('[s]\nb = 2\n');
    expect(setKey('[s]\n# keys go here\n\n[t]\n', 's', 'b', '2')).toBe('[s]\nb = 2\n# keys go here\n\n[t]\n');
  });

  it('adds to the last occurrence of a repeated section', () => {
    expect(setKey('[s]\na = 1\n[t]\n[s]\nc = 3\n', 's', 'd', '4')).toBe('[s]\na = 1\n[t]\n[s]\nc = 3\nd = 4\n');
  });

  it('adds a missing section at the end, separated by a blank line', () => {
    expect(setKey(FUSION, 'file_settings', 'file_type', 'json')).toBe(`${FUSION}\n[file_settings]\nfile_type = json\n`);
    expect(setKey('[s]\na = 1', 't', 'b', '2')).toBe('[s]\na = 1\n\n[t]\nb = 2\n');
    expect(setKey('[s]\na = 1\n\n', 't', 'b', '2')).toBe('[s]\na = 1\n\n[t]\nb = 2\n');
    expect(setKey('', 't', 'b', '2')).toBe('[t]\nb = 2\n');
  });

  it('keeps CRLF line endings and a missing final line ending', () => {
    expect(setKey('[s]\r\na = 1\r\n', 's', 'a', '2')).toBe('[s]\r\na = 2\r\n');
    expect(setKey('[s]\r\na = 1\r\n', 's', 'b', '2')).toBe('[s]\r\na = 1\r\nb = 2\r\n');
    expect(setKey('[s]\r\na = 1\r\n', 't', 'b', '2')).toBe('[s]\r\na = 1\r\n\r\n[t]\r\nb = 2\r\n');
    expect(setKey('[s]\na = 1', 's', 'a', '2')).toBe('[s]\na = 2');
    expect(setKey('[s]\na = 1', 's', 'b', '2')).toBe('[s]\na = 1\nb = 2');
  });

  it('replaces multi-line values and writes new ones with indented continuation lines', () => {
    const t = '[s]\nlist = one\n    two\n    # note\n    three\nnext = 1\n';
    const out = setKey(t, 's', 'list', 'uno');
    expect(out).toBe('[s]\nlist = uno\n    # note\nnext = 1\n');
    expect(getKey(out, 's', 'next')).toBe('1');
    const multi = setKey('[s]\na = 1\nb = 2\n', 's', 'a', 'x\ny');
    expect(multi).toBe('[s]\na = x\n\ty\nb = 2\n');
    expect(getKey(multi, 's', 'a')).toBe('x\ny');
    expect(getKey(multi, 's', 'b')).toBe('2');
  });

  it('round-trips: every value written is the value read back', () => {
    let t = FUSION;
    const writes: [string, string, string][] = [
      ['general_settings', 'erlang_start', '10'],
      ['general_settings', 'new_key', 'a b c'],
      ['routing_settings', 'K_PATHS', '5'],
      ['snr_settings', 'snr_type', 'None'],
      ['snr_settings', 'xt_noise', 'False'],
      ['topology_settings', 'network', 'USNet'],
    ];
    for (const [s, k, v] of writes) t = setKey(t, s, k, v);
    for (const [s, k, v] of writes) expect(getKey(t, s, k)).toBe(v);
    // Untouched parts stay byte for byte.
    expect(t.startsWith('# FUSION simulation configuration\n[general_settings]\nerlang_start = 10\n')).toBe(true);
    expect(t).toContain('; spectrum\nguard_slots = 1\n');
    expect(listSections(t)).toEqual(['general_settings', 'topology_settings', 'routing_settings', 'snr_settings']);
  });
});

describe('removeKey', () => {
  it('removes the line and its continuation lines only', () => {
    expect(removeKey('[s]\na = 1\nb = 2\n', 's', 'A')).toBe('[s]\nb = 2\n');
    expect(removeKey('[s]\na = 1\n  more\nb = 2\n', 's', 'a')).toBe('[s]\nb = 2\n');
    expect(removeKey('[s]\na = 1\nb = 2', 's', 'b')).toBe('[s]\na = 1');
    expect(removeKey('[s]\na = 1\n', 's', 'zz')).toBe('[s]\na = 1\n');
  });
});
