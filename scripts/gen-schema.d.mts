// Types for the parts of gen-schema.mjs that tests import.
import type { SchemaDefinitions } from '../src/api/schema/types.js';

export interface ClientField {
  name: string;
  type: string;
  format: string;
  required: boolean;
}

export interface GeneratorOverlay {
  prefixGroups: Record<string, string>;
  renames: Record<string, string>;
  skipClassPatterns: string[];
  skipClasses: string[];
  fromSwagger: string[];
  definitions: SchemaDefinitions;
  typeSemantics: Record<string, Record<string, unknown>>;
  fieldSemantics: Record<string, { properties?: Record<string, Record<string, unknown>> } & Record<string, unknown>>;
  everyGroupVersion: Record<string, string[]>;
  kindsInEveryGroupVersion: string[];
  descriptions: Record<string, string>;
}

export interface GeneratorInputs {
  classes: Map<string, ClientField[]>;
  apiUsage: Map<string, Set<string>>;
  swagger: { definitions: Record<string, unknown> };
  overlay: GeneratorOverlay;
}

export const DEFAULT_OUT: string;
export function packageOf(group: string, version: string): string;
export function groupVersionOfPackage(pkg: string): { group: string; version: string } | undefined;
export function generateDefinitions(inputs: GeneratorInputs): SchemaDefinitions;
export function loadInputs(): Promise<GeneratorInputs>;
export function main(argv?: string[]): Promise<void>;
