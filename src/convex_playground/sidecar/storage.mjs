// File storage served on loopback, as a deployment serves it on its cloud URL.
//
// convex-test keeps files in memory but hands out placeholder URLs
// (https://some-deployment.convex.cloud/...) that lead nowhere, and forgets a
// file's content type. Here:
//
// * `ctx.storage.generateUploadUrl()` returns <cloud>/api/storage/upload?token=...
//   A POST of the file's bytes there stores it and answers {"storageId": ...},
//   as a deployment does. A token is good for one hour on the playground clock.
// * `ctx.storage.getUrl(id)` returns <cloud>/api/storage/<id>, which serves the
//   bytes back with their content type.
// * `_storage` documents carry `contentType` (when the upload or blob had one),
//   `sha256` (base64) and `size`.
import { randomUUID } from "node:crypto";
import { __playgroundDatabaseFake as DatabaseFake } from "convex-test";
import { jsonResponse } from "./server.mjs";

const UPLOAD_TOKEN_LIFETIME_MS = 60 * 60 * 1000; // "The upload URL expires in 1 hour" (Convex docs, file-storage/upload-files)
const FILE_PATH = /^\/api\/storage\/([^/]+)$/;
const STORAGE_URL_OPS = new Set(["1.0/storageGenerateUploadUrl", "1.0/storageGetUrl"]); // the syscalls #syscall rewrites

// ctx.storage.store(blob) and uploads both end in storeFile(): record the type there.
const originalStoreFile = DatabaseFake.prototype.storeFile;
DatabaseFake.prototype.storeFile = function (storageId, blob) {
  originalStoreFile.call(this, storageId, blob);
  const metadata = this.get("_storage", storageId);
  if (metadata !== null && blob?.type) metadata.contentType = blob.type;
};

export class FileStorage {
  /** `backend()` is the current convex-test instance (it changes on reset). */
  constructor(backend) {
    this.backend = backend;
    this.cloudUrl = null;
    this.uploadTokens = new Map(); // token -> time issued (playground clock)
  }

  /** Rewrites convex-test's storage URLs to this playground's loopback ones. */
  serveAt(cloudUrl) {
    this.cloudUrl = cloudUrl;
    const inner = globalThis.Convex;
    const storage = this;
    globalThis.Convex = {
      get syscall() {
        return inner.syscall;
      },
      get jsSyscall() {
        return inner.jsSyscall;
      },
      get asyncSyscall() {
        const original = inner.asyncSyscall;
        // Every database read and write is an async syscall: only the two storage ones take a detour.
        return (op, jsonArgs) => (STORAGE_URL_OPS.has(op) ? storage.#syscall(original, op, jsonArgs) : original(op, jsonArgs));
      },
    };
  }

  async #syscall(original, op, jsonArgs) {
    if (op === "1.0/storageGenerateUploadUrl") {
      const token = randomUUID();
      this.uploadTokens.set(token, Date.now());
      return JSON.stringify(`${this.cloudUrl}/api/storage/upload?token=${token}`);
    }
    const answer = await original(op, jsonArgs);
    if (op === "1.0/storageGetUrl" && JSON.parse(answer) !== null) {
      const { storageId } = JSON.parse(jsonArgs);
      return JSON.stringify(`${this.cloudUrl}/api/storage/${storageId}`);
    }
    return answer;
  }

  /** The cloud routes: POST /api/storage/upload and GET /api/storage/<id>. */
  addRoutes(server) {
    server.route("cloud", "POST", "/api/storage/upload", (request) => this.#upload(request));
    server.route("cloud", "GET", FILE_PATH, (request) => this.#download(request));
  }

  async #upload(request) {
    const token = new URLSearchParams(request.search).get("token");
    const issued = this.uploadTokens.get(token);
    if (issued === undefined) {
      return jsonResponse(401, { code: "InvalidStorageToken", message: "Invalid storage token: it was not issued by generateUploadUrl()" });
    }
    if (Date.now() - issued >= UPLOAD_TOKEN_LIFETIME_MS) {
      return jsonResponse(401, { code: "StorageTokenExpired", message: "Store File Authorization expired" });
    }
    const blob = new Blob([request.body], { type: request.headers["content-type"] ?? "" });
    const storageId = await this.backend().run((ctx) => ctx.storage.store(blob));
    return jsonResponse(200, { storageId });
  }

  async #download(request) {
    const storageId = decodeURIComponent(FILE_PATH.exec(request.path)[1]);
    let found = null;
    try {
      found = await this.backend().run(async (ctx) => {
        const metadata = await ctx.db.system.get(storageId);
        const blob = metadata === null ? null : await ctx.storage.get(storageId);
        return blob === null ? null : { metadata, bytes: await blob.arrayBuffer() };
      });
    } catch {
      found = null; // not an id of this playground's _storage table
    }
    if (found === null) return jsonResponse(404, { code: "FileNotFound", message: `File not found: ${storageId}` });
    const bytes = Buffer.from(found.bytes);
    const headers = { "content-length": String(bytes.length) };
    if (found.metadata.contentType) headers["content-type"] = found.metadata.contentType;
    return { status: 200, headers, body: bytes };
  }
}
