// A model's weights as a safetensors file with PyTorch's key names: save one, or load one into a
// model (e.g. weights trained with PyTorch, or G out of a run's checkpoint with prefix 'G.').
import type { nn } from '@minigan/autograd';
import { fail, type Tensor } from '@minigan/tensor';
import { readSafetensors, writeSafetensors } from './safetensors.ts';

/** Options of `loadModuleWeights`. */
export interface LoadWeightsOptions {
  /** Read only the keys under this prefix, without it (a checkpoint holds `G.0.weight`, `D.0.weight`, …). */
  prefix?: string;
}

/** Writes a module's state dict to `path` as safetensors (atomically). */
export function saveModuleWeights(module: nn.Module, path: string, metadata?: Record<string, string>): void {
  writeSafetensors(path, module.stateDict(), { format: 'pt', ...metadata });
}

/**
 * Loads the weights in a safetensors file into `module`. Every key and shape is checked before
 * anything is copied, so a file for another architecture leaves the module as it was; the error
 * names the file and the first key that does not fit.
 */
export function loadModuleWeights(module: nn.Module, path: string, opts: LoadWeightsOptions = {}): void {
  const { tensors } = readSafetensors(path);
  let sd: Record<string, Tensor> = tensors;
  const prefix = opts.prefix;
  if (prefix !== undefined && prefix !== '') {
    sd = {};
    for (const [k, t] of Object.entries(tensors)) if (k.startsWith(prefix)) sd[k.slice(prefix.length)] = t;
    if (Object.keys(sd).length === 0) fail('loadModuleWeights', `${path}: no key starts with '${prefix}' (the file has ${Object.keys(tensors).slice(0, 4).map((k) => `'${k}'`).join(', ')}${Object.keys(tensors).length > 4 ? ', …' : ''})`);
  }
  try {
    module.loadStateDict(sd);
  } catch (e) {
    fail('loadModuleWeights', `${path}${prefix ? ` (keys under '${prefix}')` : ''} does not fit this ${module.constructor.name}: ${(e as Error).message}`);
  }
}
