import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

/**
 * Loads k8ts' CRI runtime.v1 subset (runtime-v1.proto, copied beside the compiled module by
 * scripts/build.mjs). Messages come out as the camelCase JSON the `ContainerRuntime`
 * interface uses: int64 as decimal strings, enums by name, bytes as Buffers, absent message
 * fields as null, absent scalars/lists/maps as their defaults.
 */

export const CRI_PROTO_PATH = fileURLToPath(new URL('./runtime-v1.proto', import.meta.url));

export const CRI_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

export interface CriServices {
  RuntimeService: grpc.ServiceClientConstructor;
  ImageService: grpc.ServiceClientConstructor;
}

let definition: protoLoader.PackageDefinition | undefined;

export function criPackageDefinition(): protoLoader.PackageDefinition {
  definition ??= protoLoader.loadSync(CRI_PROTO_PATH, CRI_LOADER_OPTIONS);
  return definition;
}

export function criServices(): CriServices {
  const pkg = grpc.loadPackageDefinition(criPackageDefinition()) as unknown as { runtime: { v1: CriServices } };
  return pkg.runtime.v1;
}
