// Sub-center ArcFace: K sub-centres per class, a class's cosine is its nearest sub-centre's, then
// the ArcFace margin (Deng et al., ECCV 2020, doi 10.1007/978-3-030-58621-8_43, eq. 2).
import { ArcFaceHead, type ArcFaceOptions } from './arcface-head.js';

export class SubCenterArcFaceHead extends ArcFaceHead {
  override readonly name: string = 'subcenter-arcface';
  constructor(o: ArcFaceOptions) {
    super({ ...o, subCenters: o.subCenters ?? 3 });
  }
}
