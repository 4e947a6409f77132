import { Global, Module } from '@nestjs/common';
import { ChainService } from './chain.service';
import { NonceAllocator } from './nonce-allocator';
import { ChainHead } from './chain-head';

@Global()
@Module({ providers: [ChainService, NonceAllocator, ChainHead], exports: [ChainService, NonceAllocator, ChainHead] })
export class ChainModule {}
