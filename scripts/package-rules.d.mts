// Types for scripts/package-rules.mjs, which the tests import.
export declare const forbiddenInPackage: (path: string) => boolean;
export interface DockerfileFacts {
  nodeImage?: string;
  version?: string;
  workdir?: string;
  user?: string;
  volume?: string;
  env: Record<string, string>;
  cmd?: string[];
  healthcheckLine: string;
  healthcheck?: string[];
  contextCopies: string[];
}
export declare function readDockerfile(text: string): DockerfileFacts;
