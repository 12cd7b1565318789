// @ts-nocheck: ajv's standalone output is untyped JavaScript; the exports below are typed.
/* GENERATED from schemas/*.schema.json by scripts/messages/generate.ts with ajv's standalone code
 * (draft 2020-12, first error only, date-time per RFC 3339): do not edit. Validation lives in
 * message-validation.ts; test/stream-engine-pipeline/messages.test.ts fails when this is stale. */
import type { ErrorObject } from 'ajv';
import type { PipelineMessageType } from '../messages';

/** An ajv validator: true when the message is valid, else `errors` says why. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const chunkResult = validate20;
const schema31 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:cdk-status-and-streams:stream-engine-pipeline:chunk-result:v1","title":"ChunkResultMessage","description":"Results topic: what an object engine made of one media chunk. output is set when status is success, error when status is error.","type":"object","properties":{"type":{"const":"chunk-result"},"version":{"const":1,"description":"Contract version; a consumer rejects versions it does not know."},"streamId":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$","description":"Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-' (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter or digit."},"chunkId":{"type":"string","minLength":1},"engine":{"type":"string","minLength":1,"maxLength":255},"at":{"type":"string","format":"date-time","description":"ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z."},"status":{"enum":["success","error","ignored"]},"output":{"type":"object","description":"Engine-specific result; required when status is success."},"error":{"type":"object","properties":{"code":{"type":"string","minLength":1},"message":{"type":"string"}},"required":["code","message"],"description":"What went wrong; required when status is error."}},"required":["type","version","streamId","chunkId","engine","at","status"],"allOf":[{"if":{"properties":{"status":{"const":"success"}},"required":["status"]},"then":{"required":["output"]}},{"if":{"properties":{"status":{"const":"error"}},"required":["status"]},"then":{"required":["error"]}}]};
const pattern4 = new RegExp("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$", "u");
const func1 = require("ajv/dist/runtime/ucs2length").default;
const formats0 = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

function validate20(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="urn:cdk-status-and-streams:stream-engine-pipeline:chunk-result:v1" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate20.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
const _errs1 = errors;
const _errs2 = errors;
let valid1 = true;
const _errs3 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.status === undefined) && (missing0 = "status")){
const err0 = {};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
else {
if(data.status !== undefined){
if("success" !== data.status){
const err1 = {};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
}
}
var _valid0 = _errs3 === errors;
errors = _errs2;
if(vErrors !== null){
if(_errs2){
vErrors.length = _errs2;
}
else {
vErrors = null;
}
}
if(_valid0){
const _errs5 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing1;
if((data.output === undefined) && (missing1 = "output")){
validate20.errors = [{instancePath,schemaPath:"#/allOf/0/then/required",keyword:"required",params:{missingProperty: missing1}}];
return false;
}
}
var _valid0 = _errs5 === errors;
valid1 = _valid0;
}
if(!valid1){
const err2 = {instancePath,schemaPath:"#/allOf/0/if",keyword:"if",params:{failingKeyword: "then"}};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
validate20.errors = vErrors;
return false;
}
var valid0 = _errs1 === errors;
if(valid0){
const _errs6 = errors;
const _errs7 = errors;
let valid3 = true;
const _errs8 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing2;
if((data.status === undefined) && (missing2 = "status")){
const err3 = {};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
else {
if(data.status !== undefined){
if("error" !== data.status){
const err4 = {};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
}
}
var _valid1 = _errs8 === errors;
errors = _errs7;
if(vErrors !== null){
if(_errs7){
vErrors.length = _errs7;
}
else {
vErrors = null;
}
}
if(_valid1){
const _errs10 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing3;
if((data.error === undefined) && (missing3 = "error")){
validate20.errors = [{instancePath,schemaPath:"#/allOf/1/then/required",keyword:"required",params:{missingProperty: missing3}}];
return false;
}
}
var _valid1 = _errs10 === errors;
valid3 = _valid1;
}
if(!valid3){
const err5 = {instancePath,schemaPath:"#/allOf/1/if",keyword:"if",params:{failingKeyword: "then"}};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
validate20.errors = vErrors;
return false;
}
var valid0 = _errs6 === errors;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing4;
if((((((((data.type === undefined) && (missing4 = "type")) || ((data.version === undefined) && (missing4 = "version"))) || ((data.streamId === undefined) && (missing4 = "streamId"))) || ((data.chunkId === undefined) && (missing4 = "chunkId"))) || ((data.engine === undefined) && (missing4 = "engine"))) || ((data.at === undefined) && (missing4 = "at"))) || ((data.status === undefined) && (missing4 = "status"))){
validate20.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing4}}];
return false;
}
else {
if(data.type !== undefined){
const _errs11 = errors;
if("chunk-result" !== data.type){
validate20.errors = [{instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "chunk-result"}}];
return false;
}
var valid5 = _errs11 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data.version !== undefined){
const _errs12 = errors;
if(1 !== data.version){
validate20.errors = [{instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1}}];
return false;
}
var valid5 = _errs12 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data.streamId !== undefined){
let data4 = data.streamId;
const _errs13 = errors;
if(errors === _errs13){
if(typeof data4 === "string"){
if(!pattern4.test(data4)){
validate20.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"}}];
return false;
}
}
else {
validate20.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid5 = _errs13 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data.chunkId !== undefined){
let data5 = data.chunkId;
const _errs15 = errors;
if(errors === _errs15){
if(typeof data5 === "string"){
if(func1(data5) < 1){
validate20.errors = [{instancePath:instancePath+"/chunkId",schemaPath:"#/properties/chunkId/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
else {
validate20.errors = [{instancePath:instancePath+"/chunkId",schemaPath:"#/properties/chunkId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid5 = _errs15 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data.engine !== undefined){
let data6 = data.engine;
const _errs17 = errors;
if(errors === _errs17){
if(typeof data6 === "string"){
if(func1(data6) > 255){
validate20.errors = [{instancePath:instancePath+"/engine",schemaPath:"#/properties/engine/maxLength",keyword:"maxLength",params:{limit: 255}}];
return false;
}
else {
if(func1(data6) < 1){
validate20.errors = [{instancePath:instancePath+"/engine",schemaPath:"#/properties/engine/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
}
else {
validate20.errors = [{instancePath:instancePath+"/engine",schemaPath:"#/properties/engine/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid5 = _errs17 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data.at !== undefined){
let data7 = data.at;
const _errs19 = errors;
if(errors === _errs19){
if(errors === _errs19){
if(typeof data7 === "string"){
if(!(formats0.test(data7))){
validate20.errors = [{instancePath:instancePath+"/at",schemaPath:"#/properties/at/format",keyword:"format",params:{format: "date-time"}}];
return false;
}
}
else {
validate20.errors = [{instancePath:instancePath+"/at",schemaPath:"#/properties/at/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
}
var valid5 = _errs19 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data.status !== undefined){
let data8 = data.status;
const _errs21 = errors;
if(!(((data8 === "success") || (data8 === "error")) || (data8 === "ignored"))){
validate20.errors = [{instancePath:instancePath+"/status",schemaPath:"#/properties/status/enum",keyword:"enum",params:{allowedValues: schema31.properties.status.enum}}];
return false;
}
var valid5 = _errs21 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data.output !== undefined){
let data9 = data.output;
const _errs22 = errors;
if(!(data9 && typeof data9 == "object" && !Array.isArray(data9))){
validate20.errors = [{instancePath:instancePath+"/output",schemaPath:"#/properties/output/type",keyword:"type",params:{type: "object"}}];
return false;
}
var valid5 = _errs22 === errors;
}
else {
var valid5 = true;
}
if(valid5){
if(data.error !== undefined){
let data10 = data.error;
const _errs24 = errors;
if(errors === _errs24){
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
let missing5;
if(((data10.code === undefined) && (missing5 = "code")) || ((data10.message === undefined) && (missing5 = "message"))){
validate20.errors = [{instancePath:instancePath+"/error",schemaPath:"#/properties/error/required",keyword:"required",params:{missingProperty: missing5}}];
return false;
}
else {
if(data10.code !== undefined){
let data11 = data10.code;
const _errs26 = errors;
if(errors === _errs26){
if(typeof data11 === "string"){
if(func1(data11) < 1){
validate20.errors = [{instancePath:instancePath+"/error/code",schemaPath:"#/properties/error/properties/code/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
else {
validate20.errors = [{instancePath:instancePath+"/error/code",schemaPath:"#/properties/error/properties/code/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid6 = _errs26 === errors;
}
else {
var valid6 = true;
}
if(valid6){
if(data10.message !== undefined){
const _errs28 = errors;
if(typeof data10.message !== "string"){
validate20.errors = [{instancePath:instancePath+"/error/message",schemaPath:"#/properties/error/properties/message/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid6 = _errs28 === errors;
}
else {
var valid6 = true;
}
}
}
}
else {
validate20.errors = [{instancePath:instancePath+"/error",schemaPath:"#/properties/error/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid5 = _errs24 === errors;
}
else {
var valid5 = true;
}
}
}
}
}
}
}
}
}
}
}
else {
validate20.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
validate20.errors = vErrors;
return errors === 0;
}
validate20.evaluated = {"props":{"type":true,"version":true,"streamId":true,"chunkId":true,"engine":true,"at":true,"status":true,"output":true,"error":true},"dynamicProps":false,"dynamicItems":false};

const endOfStream = validate21;
const schema32 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:cdk-status-and-streams:stream-engine-pipeline:end-of-stream:v1","title":"EndOfStreamMessage","description":"Control topic (and raw stream topic): the stream is over.","type":"object","properties":{"type":{"const":"end-of-stream"},"version":{"const":1,"description":"Contract version; a consumer rejects versions it does not know."},"streamId":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$","description":"Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-' (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter or digit."},"lastSeq":{"type":"integer","minimum":-1,"description":"The seq of the last stream-data message, or -1 when none was sent."},"at":{"type":"string","format":"date-time","description":"ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z."},"reason":{"enum":["completed","source-closed","error"]}},"required":["type","version","streamId","lastSeq","at","reason"]};

function validate21(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="urn:cdk-status-and-streams:stream-engine-pipeline:end-of-stream:v1" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate21.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((((((data.type === undefined) && (missing0 = "type")) || ((data.version === undefined) && (missing0 = "version"))) || ((data.streamId === undefined) && (missing0 = "streamId"))) || ((data.lastSeq === undefined) && (missing0 = "lastSeq"))) || ((data.at === undefined) && (missing0 = "at"))) || ((data.reason === undefined) && (missing0 = "reason"))){
validate21.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
if(data.type !== undefined){
const _errs1 = errors;
if("end-of-stream" !== data.type){
validate21.errors = [{instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "end-of-stream"}}];
return false;
}
var valid0 = _errs1 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.version !== undefined){
const _errs2 = errors;
if(1 !== data.version){
validate21.errors = [{instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1}}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.streamId !== undefined){
let data2 = data.streamId;
const _errs3 = errors;
if(errors === _errs3){
if(typeof data2 === "string"){
if(!pattern4.test(data2)){
validate21.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"}}];
return false;
}
}
else {
validate21.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs3 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.lastSeq !== undefined){
let data3 = data.lastSeq;
const _errs5 = errors;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
validate21.errors = [{instancePath:instancePath+"/lastSeq",schemaPath:"#/properties/lastSeq/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs5){
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 < -1 || isNaN(data3)){
validate21.errors = [{instancePath:instancePath+"/lastSeq",schemaPath:"#/properties/lastSeq/minimum",keyword:"minimum",params:{comparison: ">=", limit: -1}}];
return false;
}
}
}
var valid0 = _errs5 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.at !== undefined){
let data4 = data.at;
const _errs7 = errors;
if(errors === _errs7){
if(errors === _errs7){
if(typeof data4 === "string"){
if(!(formats0.test(data4))){
validate21.errors = [{instancePath:instancePath+"/at",schemaPath:"#/properties/at/format",keyword:"format",params:{format: "date-time"}}];
return false;
}
}
else {
validate21.errors = [{instancePath:instancePath+"/at",schemaPath:"#/properties/at/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
}
var valid0 = _errs7 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.reason !== undefined){
let data5 = data.reason;
const _errs9 = errors;
if(!(((data5 === "completed") || (data5 === "source-closed")) || (data5 === "error"))){
validate21.errors = [{instancePath:instancePath+"/reason",schemaPath:"#/properties/reason/enum",keyword:"enum",params:{allowedValues: schema32.properties.reason.enum}}];
return false;
}
var valid0 = _errs9 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
else {
validate21.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
validate21.errors = vErrors;
return errors === 0;
}
validate21.evaluated = {"props":{"type":true,"version":true,"streamId":true,"lastSeq":true,"at":true,"reason":true},"dynamicProps":false,"dynamicItems":false};

const engineOutput = validate22;
const schema33 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:cdk-status-and-streams:stream-engine-pipeline:engine-output:v1","title":"EngineOutputMessage","description":"Results topic: what a stream engine found, as it goes.","type":"object","properties":{"type":{"const":"engine-output"},"version":{"const":1,"description":"Contract version; a consumer rejects versions it does not know."},"streamId":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$","description":"Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-' (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter or digit."},"engine":{"type":"string","minLength":1,"maxLength":255},"at":{"type":"string","format":"date-time","description":"ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z."},"startOffsetMs":{"type":"number","minimum":0},"endOffsetMs":{"type":"number","minimum":0},"output":{"type":"object","description":"Engine-specific result: transcript, detected objects, ..."}},"required":["type","version","streamId","engine","at","output"]};

function validate22(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="urn:cdk-status-and-streams:stream-engine-pipeline:engine-output:v1" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate22.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((((((data.type === undefined) && (missing0 = "type")) || ((data.version === undefined) && (missing0 = "version"))) || ((data.streamId === undefined) && (missing0 = "streamId"))) || ((data.engine === undefined) && (missing0 = "engine"))) || ((data.at === undefined) && (missing0 = "at"))) || ((data.output === undefined) && (missing0 = "output"))){
validate22.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
if(data.type !== undefined){
const _errs1 = errors;
if("engine-output" !== data.type){
validate22.errors = [{instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "engine-output"}}];
return false;
}
var valid0 = _errs1 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.version !== undefined){
const _errs2 = errors;
if(1 !== data.version){
validate22.errors = [{instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1}}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.streamId !== undefined){
let data2 = data.streamId;
const _errs3 = errors;
if(errors === _errs3){
if(typeof data2 === "string"){
if(!pattern4.test(data2)){
validate22.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"}}];
return false;
}
}
else {
validate22.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs3 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.engine !== undefined){
let data3 = data.engine;
const _errs5 = errors;
if(errors === _errs5){
if(typeof data3 === "string"){
if(func1(data3) > 255){
validate22.errors = [{instancePath:instancePath+"/engine",schemaPath:"#/properties/engine/maxLength",keyword:"maxLength",params:{limit: 255}}];
return false;
}
else {
if(func1(data3) < 1){
validate22.errors = [{instancePath:instancePath+"/engine",schemaPath:"#/properties/engine/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
}
else {
validate22.errors = [{instancePath:instancePath+"/engine",schemaPath:"#/properties/engine/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs5 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.at !== undefined){
let data4 = data.at;
const _errs7 = errors;
if(errors === _errs7){
if(errors === _errs7){
if(typeof data4 === "string"){
if(!(formats0.test(data4))){
validate22.errors = [{instancePath:instancePath+"/at",schemaPath:"#/properties/at/format",keyword:"format",params:{format: "date-time"}}];
return false;
}
}
else {
validate22.errors = [{instancePath:instancePath+"/at",schemaPath:"#/properties/at/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
}
var valid0 = _errs7 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.startOffsetMs !== undefined){
let data5 = data.startOffsetMs;
const _errs9 = errors;
if(errors === _errs9){
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 < 0 || isNaN(data5)){
validate22.errors = [{instancePath:instancePath+"/startOffsetMs",schemaPath:"#/properties/startOffsetMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
else {
validate22.errors = [{instancePath:instancePath+"/startOffsetMs",schemaPath:"#/properties/startOffsetMs/type",keyword:"type",params:{type: "number"}}];
return false;
}
}
var valid0 = _errs9 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.endOffsetMs !== undefined){
let data6 = data.endOffsetMs;
const _errs11 = errors;
if(errors === _errs11){
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 < 0 || isNaN(data6)){
validate22.errors = [{instancePath:instancePath+"/endOffsetMs",schemaPath:"#/properties/endOffsetMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
else {
validate22.errors = [{instancePath:instancePath+"/endOffsetMs",schemaPath:"#/properties/endOffsetMs/type",keyword:"type",params:{type: "number"}}];
return false;
}
}
var valid0 = _errs11 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.output !== undefined){
let data7 = data.output;
const _errs13 = errors;
if(!(data7 && typeof data7 == "object" && !Array.isArray(data7))){
validate22.errors = [{instancePath:instancePath+"/output",schemaPath:"#/properties/output/type",keyword:"type",params:{type: "object"}}];
return false;
}
var valid0 = _errs13 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
}
}
else {
validate22.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
validate22.errors = vErrors;
return errors === 0;
}
validate22.evaluated = {"props":{"type":true,"version":true,"streamId":true,"engine":true,"at":true,"startOffsetMs":true,"endOffsetMs":true,"output":true},"dynamicProps":false,"dynamicItems":false};

const heartbeat = validate23;
const schema34 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:cdk-status-and-streams:stream-engine-pipeline:heartbeat:v1","title":"HeartbeatMessage","description":"An engine is alive. Stream engines send it to the control topic (keyed by streamId) at least every ENGINE_HEARTBEAT_INTERVAL_SECONDS while they work; the Coordinator stops and relaunches a task whose heartbeats stop for heartbeatTimeout. Object engines may send it to the results topic, without streamId.","type":"object","properties":{"type":{"const":"heartbeat"},"version":{"const":1,"description":"Contract version; a consumer rejects versions it does not know."},"streamId":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$","description":"The stream a stream engine works on; omitted by object engines. Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-' (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter or digit."},"engine":{"type":"string","minLength":1,"maxLength":255},"taskId":{"type":"string","minLength":1,"description":"The ECS task id (the last part of the task ARN): heartbeats of an earlier task of the same stream are told apart by it."},"at":{"type":"string","format":"date-time","description":"ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z."},"processed":{"type":"integer","minimum":0,"description":"Messages handled since the previous heartbeat."}},"required":["type","version","engine","at"]};

function validate23(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="urn:cdk-status-and-streams:stream-engine-pipeline:heartbeat:v1" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate23.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((((data.type === undefined) && (missing0 = "type")) || ((data.version === undefined) && (missing0 = "version"))) || ((data.engine === undefined) && (missing0 = "engine"))) || ((data.at === undefined) && (missing0 = "at"))){
validate23.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
if(data.type !== undefined){
const _errs1 = errors;
if("heartbeat" !== data.type){
validate23.errors = [{instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "heartbeat"}}];
return false;
}
var valid0 = _errs1 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.version !== undefined){
const _errs2 = errors;
if(1 !== data.version){
validate23.errors = [{instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1}}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.streamId !== undefined){
let data2 = data.streamId;
const _errs3 = errors;
if(errors === _errs3){
if(typeof data2 === "string"){
if(!pattern4.test(data2)){
validate23.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"}}];
return false;
}
}
else {
validate23.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs3 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.engine !== undefined){
let data3 = data.engine;
const _errs5 = errors;
if(errors === _errs5){
if(typeof data3 === "string"){
if(func1(data3) > 255){
validate23.errors = [{instancePath:instancePath+"/engine",schemaPath:"#/properties/engine/maxLength",keyword:"maxLength",params:{limit: 255}}];
return false;
}
else {
if(func1(data3) < 1){
validate23.errors = [{instancePath:instancePath+"/engine",schemaPath:"#/properties/engine/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
}
else {
validate23.errors = [{instancePath:instancePath+"/engine",schemaPath:"#/properties/engine/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs5 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.taskId !== undefined){
let data4 = data.taskId;
const _errs7 = errors;
if(errors === _errs7){
if(typeof data4 === "string"){
if(func1(data4) < 1){
validate23.errors = [{instancePath:instancePath+"/taskId",schemaPath:"#/properties/taskId/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
else {
validate23.errors = [{instancePath:instancePath+"/taskId",schemaPath:"#/properties/taskId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs7 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.at !== undefined){
let data5 = data.at;
const _errs9 = errors;
if(errors === _errs9){
if(errors === _errs9){
if(typeof data5 === "string"){
if(!(formats0.test(data5))){
validate23.errors = [{instancePath:instancePath+"/at",schemaPath:"#/properties/at/format",keyword:"format",params:{format: "date-time"}}];
return false;
}
}
else {
validate23.errors = [{instancePath:instancePath+"/at",schemaPath:"#/properties/at/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
}
var valid0 = _errs9 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.processed !== undefined){
let data6 = data.processed;
const _errs11 = errors;
if(!(((typeof data6 == "number") && (!(data6 % 1) && !isNaN(data6))) && (isFinite(data6)))){
validate23.errors = [{instancePath:instancePath+"/processed",schemaPath:"#/properties/processed/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs11){
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 < 0 || isNaN(data6)){
validate23.errors = [{instancePath:instancePath+"/processed",schemaPath:"#/properties/processed/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
var valid0 = _errs11 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
}
else {
validate23.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
validate23.errors = vErrors;
return errors === 0;
}
validate23.evaluated = {"props":{"type":true,"version":true,"streamId":true,"engine":true,"taskId":true,"at":true,"processed":true},"dynamicProps":false,"dynamicItems":false};

const mediaChunk = validate24;
const schema35 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:cdk-status-and-streams:stream-engine-pipeline:media-chunk:v1","title":"MediaChunkMessage","description":"Objects topic: an object cut from a stream (a frame, an audio or video chunk). Exactly one of data (inline base64) and uri (s3://...).","type":"object","properties":{"type":{"const":"media-chunk"},"version":{"const":1,"description":"Contract version; a consumer rejects versions it does not know."},"streamId":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$","description":"Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-' (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter or digit."},"chunkId":{"type":"string","minLength":1,"description":"Unique within the stream."},"seq":{"type":"integer","minimum":0},"startOffsetMs":{"type":"number","minimum":0},"endOffsetMs":{"type":"number","minimum":0},"mimeType":{"type":"string","minLength":1},"data":{"type":"string","contentEncoding":"base64","description":"Inline bytes (base64) for small objects. Exactly one of data and uri."},"uri":{"type":"string","minLength":1,"description":"Where a larger object is stored (s3://...). Exactly one of data and uri."}},"required":["type","version","streamId","chunkId","seq","startOffsetMs","endOffsetMs","mimeType"],"oneOf":[{"required":["data"]},{"required":["uri"]}]};

function validate24(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="urn:cdk-status-and-streams:stream-engine-pipeline:media-chunk:v1" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate24.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
const _errs1 = errors;
let valid0 = false;
let passing0 = null;
const _errs2 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((data.data === undefined) && (missing0 = "data")){
const err0 = {instancePath,schemaPath:"#/oneOf/0/required",keyword:"required",params:{missingProperty: missing0}};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
var _valid0 = _errs2 === errors;
if(_valid0){
valid0 = true;
passing0 = 0;
}
const _errs3 = errors;
if(data && typeof data == "object" && !Array.isArray(data)){
let missing1;
if((data.uri === undefined) && (missing1 = "uri")){
const err1 = {instancePath,schemaPath:"#/oneOf/1/required",keyword:"required",params:{missingProperty: missing1}};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
var _valid0 = _errs3 === errors;
if(_valid0 && valid0){
valid0 = false;
passing0 = [passing0, 1];
}
else {
if(_valid0){
valid0 = true;
passing0 = 1;
}
}
if(!valid0){
const err2 = {instancePath,schemaPath:"#/oneOf",keyword:"oneOf",params:{passingSchemas: passing0}};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
validate24.errors = vErrors;
return false;
}
else {
errors = _errs1;
if(vErrors !== null){
if(_errs1){
vErrors.length = _errs1;
}
else {
vErrors = null;
}
}
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing2;
if(((((((((data.type === undefined) && (missing2 = "type")) || ((data.version === undefined) && (missing2 = "version"))) || ((data.streamId === undefined) && (missing2 = "streamId"))) || ((data.chunkId === undefined) && (missing2 = "chunkId"))) || ((data.seq === undefined) && (missing2 = "seq"))) || ((data.startOffsetMs === undefined) && (missing2 = "startOffsetMs"))) || ((data.endOffsetMs === undefined) && (missing2 = "endOffsetMs"))) || ((data.mimeType === undefined) && (missing2 = "mimeType"))){
validate24.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing2}}];
return false;
}
else {
if(data.type !== undefined){
const _errs4 = errors;
if("media-chunk" !== data.type){
validate24.errors = [{instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "media-chunk"}}];
return false;
}
var valid1 = _errs4 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data.version !== undefined){
const _errs5 = errors;
if(1 !== data.version){
validate24.errors = [{instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1}}];
return false;
}
var valid1 = _errs5 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data.streamId !== undefined){
let data2 = data.streamId;
const _errs6 = errors;
if(errors === _errs6){
if(typeof data2 === "string"){
if(!pattern4.test(data2)){
validate24.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"}}];
return false;
}
}
else {
validate24.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid1 = _errs6 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data.chunkId !== undefined){
let data3 = data.chunkId;
const _errs8 = errors;
if(errors === _errs8){
if(typeof data3 === "string"){
if(func1(data3) < 1){
validate24.errors = [{instancePath:instancePath+"/chunkId",schemaPath:"#/properties/chunkId/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
else {
validate24.errors = [{instancePath:instancePath+"/chunkId",schemaPath:"#/properties/chunkId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid1 = _errs8 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data.seq !== undefined){
let data4 = data.seq;
const _errs10 = errors;
if(!(((typeof data4 == "number") && (!(data4 % 1) && !isNaN(data4))) && (isFinite(data4)))){
validate24.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs10){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 < 0 || isNaN(data4)){
validate24.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
var valid1 = _errs10 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data.startOffsetMs !== undefined){
let data5 = data.startOffsetMs;
const _errs12 = errors;
if(errors === _errs12){
if((typeof data5 == "number") && (isFinite(data5))){
if(data5 < 0 || isNaN(data5)){
validate24.errors = [{instancePath:instancePath+"/startOffsetMs",schemaPath:"#/properties/startOffsetMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
else {
validate24.errors = [{instancePath:instancePath+"/startOffsetMs",schemaPath:"#/properties/startOffsetMs/type",keyword:"type",params:{type: "number"}}];
return false;
}
}
var valid1 = _errs12 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data.endOffsetMs !== undefined){
let data6 = data.endOffsetMs;
const _errs14 = errors;
if(errors === _errs14){
if((typeof data6 == "number") && (isFinite(data6))){
if(data6 < 0 || isNaN(data6)){
validate24.errors = [{instancePath:instancePath+"/endOffsetMs",schemaPath:"#/properties/endOffsetMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
else {
validate24.errors = [{instancePath:instancePath+"/endOffsetMs",schemaPath:"#/properties/endOffsetMs/type",keyword:"type",params:{type: "number"}}];
return false;
}
}
var valid1 = _errs14 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data.mimeType !== undefined){
let data7 = data.mimeType;
const _errs16 = errors;
if(errors === _errs16){
if(typeof data7 === "string"){
if(func1(data7) < 1){
validate24.errors = [{instancePath:instancePath+"/mimeType",schemaPath:"#/properties/mimeType/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
else {
validate24.errors = [{instancePath:instancePath+"/mimeType",schemaPath:"#/properties/mimeType/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid1 = _errs16 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data.data !== undefined){
const _errs18 = errors;
if(typeof data.data !== "string"){
validate24.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid1 = _errs18 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data.uri !== undefined){
let data9 = data.uri;
const _errs20 = errors;
if(errors === _errs20){
if(typeof data9 === "string"){
if(func1(data9) < 1){
validate24.errors = [{instancePath:instancePath+"/uri",schemaPath:"#/properties/uri/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
else {
validate24.errors = [{instancePath:instancePath+"/uri",schemaPath:"#/properties/uri/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid1 = _errs20 === errors;
}
else {
var valid1 = true;
}
}
}
}
}
}
}
}
}
}
}
}
else {
validate24.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
validate24.errors = vErrors;
return errors === 0;
}
validate24.evaluated = {"props":{"type":true,"version":true,"streamId":true,"chunkId":true,"seq":true,"startOffsetMs":true,"endOffsetMs":true,"mimeType":true,"data":true,"uri":true},"dynamicProps":false,"dynamicItems":false};

const streamData = validate25;
const schema36 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:cdk-status-and-streams:stream-engine-pipeline:stream-data:v1","title":"StreamDataMessage","description":"Raw stream topic: one piece of the raw stream, in order.","type":"object","properties":{"type":{"const":"stream-data"},"version":{"const":1,"description":"Contract version; a consumer rejects versions it does not know."},"streamId":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$","description":"Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-' (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter or digit."},"seq":{"type":"integer","minimum":0,"description":"0, 1, 2, ... per stream."},"offsetMs":{"type":"number","minimum":0,"description":"Position in the stream in milliseconds, when the source has one."},"data":{"type":"string","contentEncoding":"base64","description":"Base64 of the raw bytes."}},"required":["type","version","streamId","seq","data"]};

function validate25(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="urn:cdk-status-and-streams:stream-engine-pipeline:stream-data:v1" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate25.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.type === undefined) && (missing0 = "type")) || ((data.version === undefined) && (missing0 = "version"))) || ((data.streamId === undefined) && (missing0 = "streamId"))) || ((data.seq === undefined) && (missing0 = "seq"))) || ((data.data === undefined) && (missing0 = "data"))){
validate25.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
if(data.type !== undefined){
const _errs1 = errors;
if("stream-data" !== data.type){
validate25.errors = [{instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "stream-data"}}];
return false;
}
var valid0 = _errs1 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.version !== undefined){
const _errs2 = errors;
if(1 !== data.version){
validate25.errors = [{instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1}}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.streamId !== undefined){
let data2 = data.streamId;
const _errs3 = errors;
if(errors === _errs3){
if(typeof data2 === "string"){
if(!pattern4.test(data2)){
validate25.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"}}];
return false;
}
}
else {
validate25.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs3 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.seq !== undefined){
let data3 = data.seq;
const _errs5 = errors;
if(!(((typeof data3 == "number") && (!(data3 % 1) && !isNaN(data3))) && (isFinite(data3)))){
validate25.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/type",keyword:"type",params:{type: "integer"}}];
return false;
}
if(errors === _errs5){
if((typeof data3 == "number") && (isFinite(data3))){
if(data3 < 0 || isNaN(data3)){
validate25.errors = [{instancePath:instancePath+"/seq",schemaPath:"#/properties/seq/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
}
var valid0 = _errs5 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.offsetMs !== undefined){
let data4 = data.offsetMs;
const _errs7 = errors;
if(errors === _errs7){
if((typeof data4 == "number") && (isFinite(data4))){
if(data4 < 0 || isNaN(data4)){
validate25.errors = [{instancePath:instancePath+"/offsetMs",schemaPath:"#/properties/offsetMs/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0}}];
return false;
}
}
else {
validate25.errors = [{instancePath:instancePath+"/offsetMs",schemaPath:"#/properties/offsetMs/type",keyword:"type",params:{type: "number"}}];
return false;
}
}
var valid0 = _errs7 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.data !== undefined){
const _errs9 = errors;
if(typeof data.data !== "string"){
validate25.errors = [{instancePath:instancePath+"/data",schemaPath:"#/properties/data/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid0 = _errs9 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
else {
validate25.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
validate25.errors = vErrors;
return errors === 0;
}
validate25.evaluated = {"props":{"type":true,"version":true,"streamId":true,"seq":true,"offsetMs":true,"data":true},"dynamicProps":false,"dynamicItems":false};

const streamInit = validate26;
const schema37 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:cdk-status-and-streams:stream-engine-pipeline:stream-init:v1","title":"StreamInitMessage","description":"Control topic: a new stream is starting; the Coordinator launches its stream engines (one Fargate task per stream and engine).","type":"object","properties":{"type":{"const":"stream-init"},"version":{"const":1,"description":"Contract version; a consumer rejects versions it does not know."},"streamId":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$","description":"Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-' (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter or digit."},"createdAt":{"type":"string","format":"date-time","description":"ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z."},"source":{"type":"object","description":"Where the stream comes from: pushed by a device, or pulled from a URI.","properties":{"kind":{"enum":["push","pull"]},"uri":{"type":"string","minLength":1}},"required":["kind"]},"mediaType":{"type":"string","minLength":1},"engines":{"type":"array","description":"Stream engines to launch; omitted = every stream engine of the pipeline.","items":{"type":"string","minLength":1,"maxLength":255},"minItems":1,"uniqueItems":true},"metadata":{"type":"object","additionalProperties":{"type":"string"}}},"required":["type","version","streamId","createdAt","source"]};

function validate26(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="urn:cdk-status-and-streams:stream-engine-pipeline:stream-init:v1" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate26.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if((((((data.type === undefined) && (missing0 = "type")) || ((data.version === undefined) && (missing0 = "version"))) || ((data.streamId === undefined) && (missing0 = "streamId"))) || ((data.createdAt === undefined) && (missing0 = "createdAt"))) || ((data.source === undefined) && (missing0 = "source"))){
validate26.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
if(data.type !== undefined){
const _errs1 = errors;
if("stream-init" !== data.type){
validate26.errors = [{instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "stream-init"}}];
return false;
}
var valid0 = _errs1 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.version !== undefined){
const _errs2 = errors;
if(1 !== data.version){
validate26.errors = [{instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1}}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.streamId !== undefined){
let data2 = data.streamId;
const _errs3 = errors;
if(errors === _errs3){
if(typeof data2 === "string"){
if(!pattern4.test(data2)){
validate26.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"}}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs3 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.createdAt !== undefined){
let data3 = data.createdAt;
const _errs5 = errors;
if(errors === _errs5){
if(errors === _errs5){
if(typeof data3 === "string"){
if(!(formats0.test(data3))){
validate26.errors = [{instancePath:instancePath+"/createdAt",schemaPath:"#/properties/createdAt/format",keyword:"format",params:{format: "date-time"}}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/createdAt",schemaPath:"#/properties/createdAt/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
}
var valid0 = _errs5 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.source !== undefined){
let data4 = data.source;
const _errs7 = errors;
if(errors === _errs7){
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
let missing1;
if((data4.kind === undefined) && (missing1 = "kind")){
validate26.errors = [{instancePath:instancePath+"/source",schemaPath:"#/properties/source/required",keyword:"required",params:{missingProperty: missing1}}];
return false;
}
else {
if(data4.kind !== undefined){
let data5 = data4.kind;
const _errs9 = errors;
if(!((data5 === "push") || (data5 === "pull"))){
validate26.errors = [{instancePath:instancePath+"/source/kind",schemaPath:"#/properties/source/properties/kind/enum",keyword:"enum",params:{allowedValues: schema37.properties.source.properties.kind.enum}}];
return false;
}
var valid1 = _errs9 === errors;
}
else {
var valid1 = true;
}
if(valid1){
if(data4.uri !== undefined){
let data6 = data4.uri;
const _errs10 = errors;
if(errors === _errs10){
if(typeof data6 === "string"){
if(func1(data6) < 1){
validate26.errors = [{instancePath:instancePath+"/source/uri",schemaPath:"#/properties/source/properties/uri/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/source/uri",schemaPath:"#/properties/source/properties/uri/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid1 = _errs10 === errors;
}
else {
var valid1 = true;
}
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/source",schemaPath:"#/properties/source/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs7 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.mediaType !== undefined){
let data7 = data.mediaType;
const _errs12 = errors;
if(errors === _errs12){
if(typeof data7 === "string"){
if(func1(data7) < 1){
validate26.errors = [{instancePath:instancePath+"/mediaType",schemaPath:"#/properties/mediaType/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
else {
validate26.errors = [{instancePath:instancePath+"/mediaType",schemaPath:"#/properties/mediaType/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs12 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.engines !== undefined){
let data8 = data.engines;
const _errs14 = errors;
if(errors === _errs14){
if(Array.isArray(data8)){
if(data8.length < 1){
validate26.errors = [{instancePath:instancePath+"/engines",schemaPath:"#/properties/engines/minItems",keyword:"minItems",params:{limit: 1}}];
return false;
}
else {
var valid2 = true;
const len0 = data8.length;
for(let i0=0; i0<len0; i0++){
let data9 = data8[i0];
const _errs16 = errors;
if(errors === _errs16){
if(typeof data9 === "string"){
if(func1(data9) > 255){
validate26.errors = [{instancePath:instancePath+"/engines/" + i0,schemaPath:"#/properties/engines/items/maxLength",keyword:"maxLength",params:{limit: 255}}];
return false;
}
else {
if(func1(data9) < 1){
validate26.errors = [{instancePath:instancePath+"/engines/" + i0,schemaPath:"#/properties/engines/items/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/engines/" + i0,schemaPath:"#/properties/engines/items/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid2 = _errs16 === errors;
if(!valid2){
break;
}
}
if(valid2){
let i1 = data8.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data8[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
validate26.errors = [{instancePath:instancePath+"/engines",schemaPath:"#/properties/engines/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0}}];
return false;
break;
}
indices0[item0] = i1;
}
}
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/engines",schemaPath:"#/properties/engines/type",keyword:"type",params:{type: "array"}}];
return false;
}
}
var valid0 = _errs14 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.metadata !== undefined){
let data10 = data.metadata;
const _errs18 = errors;
if(errors === _errs18){
if(data10 && typeof data10 == "object" && !Array.isArray(data10)){
for(const key0 in data10){
const _errs21 = errors;
if(typeof data10[key0] !== "string"){
validate26.errors = [{instancePath:instancePath+"/metadata/" + key0.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/metadata/additionalProperties/type",keyword:"type",params:{type: "string"}}];
return false;
}
var valid4 = _errs21 === errors;
if(!valid4){
break;
}
}
}
else {
validate26.errors = [{instancePath:instancePath+"/metadata",schemaPath:"#/properties/metadata/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
var valid0 = _errs18 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
}
}
else {
validate26.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
validate26.errors = vErrors;
return errors === 0;
}
validate26.evaluated = {"props":{"type":true,"version":true,"streamId":true,"createdAt":true,"source":true,"mediaType":true,"engines":true,"metadata":true},"dynamicProps":false,"dynamicItems":false};

const streamStatus = validate27;
const schema38 = {"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"urn:cdk-status-and-streams:stream-engine-pipeline:stream-status:v1","title":"StreamStatusMessage","description":"Results topic, written by the Coordinator: where a stream is in its lifecycle, for the producer that sent its stream-init. Sent at least once per status (a repeat carries the same statusId, so a consumer can drop duplicates).","type":"object","properties":{"type":{"const":"stream-status"},"version":{"const":1,"description":"Contract version; a consumer rejects versions it does not know."},"streamId":{"type":"string","pattern":"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$","description":"Kafka key of every message of the stream. 1-128 characters: letters, digits, '.', '_', ':', '-' (it becomes part of a consumer group id, a DynamoDB key and an ECS tag), starting with a letter or digit."},"status":{"enum":["waiting","running","finished","expired","failed"],"description":"waiting: no slot is free (maxConcurrentStreams), the stream's data waits in Kafka; running: its engines were launched; finished: every engine finished; expired: it waited longer than maxStreamWait and was not launched (send its stream-init again to retry); failed: an engine could not run it to the end (see reason; send its stream-init again to retry)."},"statusId":{"type":"string","minLength":1,"maxLength":300,"description":"Unique per stream, status and stream-init generation: repeats of one status carry the same statusId."},"at":{"type":"string","format":"date-time","description":"ISO 8601 / RFC 3339 timestamp, e.g. 2026-03-10T08:00:00Z."},"engines":{"type":"array","items":{"type":"string","minLength":1,"maxLength":255},"description":"The stream engines of the stream."},"reason":{"type":"string","maxLength":1000,"description":"Why the stream expired or failed."}},"required":["type","version","streamId","status","statusId","at"]};

function validate27(data, {instancePath="", parentData, parentDataProperty, rootData=data, dynamicAnchors={}}={}){
/*# sourceURL="urn:cdk-status-and-streams:stream-engine-pipeline:stream-status:v1" */;
let vErrors = null;
let errors = 0;
const evaluated0 = validate27.evaluated;
if(evaluated0.dynamicProps){
evaluated0.props = undefined;
}
if(evaluated0.dynamicItems){
evaluated0.items = undefined;
}
if(errors === 0){
if(data && typeof data == "object" && !Array.isArray(data)){
let missing0;
if(((((((data.type === undefined) && (missing0 = "type")) || ((data.version === undefined) && (missing0 = "version"))) || ((data.streamId === undefined) && (missing0 = "streamId"))) || ((data.status === undefined) && (missing0 = "status"))) || ((data.statusId === undefined) && (missing0 = "statusId"))) || ((data.at === undefined) && (missing0 = "at"))){
validate27.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0}}];
return false;
}
else {
if(data.type !== undefined){
const _errs1 = errors;
if("stream-status" !== data.type){
validate27.errors = [{instancePath:instancePath+"/type",schemaPath:"#/properties/type/const",keyword:"const",params:{allowedValue: "stream-status"}}];
return false;
}
var valid0 = _errs1 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.version !== undefined){
const _errs2 = errors;
if(1 !== data.version){
validate27.errors = [{instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1}}];
return false;
}
var valid0 = _errs2 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.streamId !== undefined){
let data2 = data.streamId;
const _errs3 = errors;
if(errors === _errs3){
if(typeof data2 === "string"){
if(!pattern4.test(data2)){
validate27.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"}}];
return false;
}
}
else {
validate27.errors = [{instancePath:instancePath+"/streamId",schemaPath:"#/properties/streamId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs3 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.status !== undefined){
let data3 = data.status;
const _errs5 = errors;
if(!(((((data3 === "waiting") || (data3 === "running")) || (data3 === "finished")) || (data3 === "expired")) || (data3 === "failed"))){
validate27.errors = [{instancePath:instancePath+"/status",schemaPath:"#/properties/status/enum",keyword:"enum",params:{allowedValues: schema38.properties.status.enum}}];
return false;
}
var valid0 = _errs5 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.statusId !== undefined){
let data4 = data.statusId;
const _errs6 = errors;
if(errors === _errs6){
if(typeof data4 === "string"){
if(func1(data4) > 300){
validate27.errors = [{instancePath:instancePath+"/statusId",schemaPath:"#/properties/statusId/maxLength",keyword:"maxLength",params:{limit: 300}}];
return false;
}
else {
if(func1(data4) < 1){
validate27.errors = [{instancePath:instancePath+"/statusId",schemaPath:"#/properties/statusId/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
}
else {
validate27.errors = [{instancePath:instancePath+"/statusId",schemaPath:"#/properties/statusId/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs6 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.at !== undefined){
let data5 = data.at;
const _errs8 = errors;
if(errors === _errs8){
if(errors === _errs8){
if(typeof data5 === "string"){
if(!(formats0.test(data5))){
validate27.errors = [{instancePath:instancePath+"/at",schemaPath:"#/properties/at/format",keyword:"format",params:{format: "date-time"}}];
return false;
}
}
else {
validate27.errors = [{instancePath:instancePath+"/at",schemaPath:"#/properties/at/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
}
var valid0 = _errs8 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.engines !== undefined){
let data6 = data.engines;
const _errs10 = errors;
if(errors === _errs10){
if(Array.isArray(data6)){
var valid1 = true;
const len0 = data6.length;
for(let i0=0; i0<len0; i0++){
let data7 = data6[i0];
const _errs12 = errors;
if(errors === _errs12){
if(typeof data7 === "string"){
if(func1(data7) > 255){
validate27.errors = [{instancePath:instancePath+"/engines/" + i0,schemaPath:"#/properties/engines/items/maxLength",keyword:"maxLength",params:{limit: 255}}];
return false;
}
else {
if(func1(data7) < 1){
validate27.errors = [{instancePath:instancePath+"/engines/" + i0,schemaPath:"#/properties/engines/items/minLength",keyword:"minLength",params:{limit: 1}}];
return false;
}
}
}
else {
validate27.errors = [{instancePath:instancePath+"/engines/" + i0,schemaPath:"#/properties/engines/items/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid1 = _errs12 === errors;
if(!valid1){
break;
}
}
}
else {
validate27.errors = [{instancePath:instancePath+"/engines",schemaPath:"#/properties/engines/type",keyword:"type",params:{type: "array"}}];
return false;
}
}
var valid0 = _errs10 === errors;
}
else {
var valid0 = true;
}
if(valid0){
if(data.reason !== undefined){
let data8 = data.reason;
const _errs14 = errors;
if(errors === _errs14){
if(typeof data8 === "string"){
if(func1(data8) > 1000){
validate27.errors = [{instancePath:instancePath+"/reason",schemaPath:"#/properties/reason/maxLength",keyword:"maxLength",params:{limit: 1000}}];
return false;
}
}
else {
validate27.errors = [{instancePath:instancePath+"/reason",schemaPath:"#/properties/reason/type",keyword:"type",params:{type: "string"}}];
return false;
}
}
var valid0 = _errs14 === errors;
}
else {
var valid0 = true;
}
}
}
}
}
}
}
}
}
}
else {
validate27.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"}}];
return false;
}
}
validate27.errors = vErrors;
return errors === 0;
}
validate27.evaluated = {"props":{"type":true,"version":true,"streamId":true,"status":true,"statusId":true,"at":true,"engines":true,"reason":true},"dynamicProps":false,"dynamicItems":false};


/** The validator of each message type. */
export const MESSAGE_VALIDATORS: Record<PipelineMessageType, CompiledValidator> = {
  'chunk-result': chunkResult,
  'end-of-stream': endOfStream,
  'engine-output': engineOutput,
  'heartbeat': heartbeat,
  'media-chunk': mediaChunk,
  'stream-data': streamData,
  'stream-init': streamInit,
  'stream-status': streamStatus,
};

/** Plain-language text of each schema's rules across fields, by ajv schemaPath. */
export const RULE_EXPLANATIONS: Record<PipelineMessageType, Record<string, string>> = {
  'chunk-result': {"#/allOf/0/then/required":"when /status is success","#/allOf/1/then/required":"when /status is error"},
  'end-of-stream': {},
  'engine-output': {},
  'heartbeat': {},
  'media-chunk': {"#/oneOf":"exactly one of /data and /uri is required"},
  'stream-data': {},
  'stream-init': {},
  'stream-status': {},
};
